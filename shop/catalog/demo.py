"""The demo catalog: 6 categories, 40 products with options that suit each (sizes and colours for
clothes, diameters for a skillet, grinds for coffee), stock, and drawn product shots.

Idempotent: products are found by slug and SKUs by code, so loading twice changes nothing.
"""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from markets.models import Market
from markets.pricing import suggest_price
from shop.catalog import demo_de, drawings
from shop.catalog.listings import refresh_all, refresh_listings
from shop.catalog.models import (
    Category,
    OptionType,
    OptionValue,
    Product,
    ProductImage,
    Variant,
    VariantPrice,
)
from shop.catalog.options import refresh_option_labels, set_variant_options
from shop.money import money

# Option types and their values, in order; colours with their swatch.
OPTION_TYPES = {
    "size": ("Size", ["XS", "S", "M", "L", "XL"]),
    "waist": ("Waist", ["30", "32", "34", "36"]),
    "colour": ("Colour", []),
    "capacity": ("Capacity", ["250 g", "500 g", "500 ml", "750 ml", "1 l"]),
    "diameter": ("Diameter", ["20 cm", "26 cm", "30 cm"]),
    "board": ("Size", ["Small", "Large"]),
    "paper": ("Paper", ["Dot grid", "Lined", "Plain"]),
    "grind": ("Grind", ["Whole bean", "Filter", "Espresso"]),
}
COLOURS = {
    "Forest": "#2f5d50", "Sand": "#d8c3a0", "Charcoal": "#3b3f45", "Navy": "#2b3a55",
    "Ochre": "#c8912e", "Natural": "#e6dcc6", "Black": "#232323", "Tan": "#b07b4f",
    "Oatmeal": "#d9cdb6", "Cream": "#efe6d0", "Blue": "#4a6fa5", "Indigo": "#34406b",
    "Rust": "#a4502f", "Brass": "#b8933f", "Walnut": "#6b4a33", "Amber": "#d49a2a",
    "Red": "#b8412f", "Steel": "#8a9299", "Clear": "#dfe8ea",
}  # fmt: skip
SIZES = ["S", "M", "L", "XL"]

# Each product: name, price, description, the kind of drawing, its colour(s), other options
# as (option code, values, price step per value beyond the first).
CATALOG = {
    "Clothing": {
        "description": "Everyday clothes made to last.",
        "products": [
            ("Organic Cotton Tee", "29.00", "Heavyweight organic cotton, garment-dyed.",
             "tee", ["Forest", "Sand", "Navy"], [("size", SIZES, "0")]),
            ("Merino Crew Sweater", "89.00", "Fine merino wool that keeps warm without bulk.",
             "sweater", ["Charcoal", "Oatmeal"], [("size", SIZES, "0")]),
            ("Canvas Work Jacket", "149.00", "Waxed canvas, corduroy collar, four pockets.",
             "jacket", ["Tan", "Forest"], [("size", SIZES, "0")]),
            ("Linen Shirt", "69.00", "Breathable European linen, relaxed fit.",
             "tee", ["Blue", "Natural"], [("size", SIZES, "0")]),
            ("Fleece Hoodie", "75.00", "Recycled fleece, brushed inside.",
             "hoodie", ["Forest", "Sand"], [("size", SIZES, "0")]),
            ("Chino Trousers", "79.00", "Stretch cotton twill with a tapered leg.",
             "trousers", ["Sand", "Navy"], [("waist", ["30", "32", "34", "36"], "0")]),
            ("Rain Shell", "129.00", "Seam-sealed, packs into its own pocket.",
             "jacket", ["Ochre", "Charcoal"], [("size", SIZES, "0")]),
        ],
    },
    "Home & Kitchen": {
        "description": "Things you will use every day.",
        "products": [
            ("Stoneware Mug", "18.00", "Hand-glazed, 350 ml, dishwasher safe.",
             "mug", ["Cream", "Forest", "Charcoal"], []),
            ("Cast Iron Skillet", "45.00", "Pre-seasoned skillet for a lifetime of use.",
             "skillet", ["Black"], [("diameter", ["20 cm", "26 cm", "30 cm"], "10")]),
            ("Linen Tea Towels (set of 2)", "24.00", "Absorbent stonewashed linen.",
             "folded", ["Natural", "Indigo"], []),
            ("Walnut Cutting Board", "55.00", "End-grain walnut, oiled by hand.",
             "board", ["Walnut"], [("board", ["Small", "Large"], "20")]),
            ("Pour-over Coffee Set", "48.00", "Ceramic dripper with a glass carafe.",
             "pourover", ["Cream"], []),
            ("Wool Throw Blanket", "110.00", "Lambswool throw, 130 × 180 cm.",
             "folded", ["Oatmeal", "Forest", "Rust"], []),
            ("Enamel Storage Tins", "36.00", "Set of three airtight tins.",
             "tins", ["Cream"], []),
        ],
    },
    "Outdoors": {
        "description": "Gear for days outside.",
        "products": [
            ("Daypack 20L", "95.00", "Water-resistant pack with a padded laptop sleeve.",
             "backpack", ["Forest", "Charcoal", "Ochre"], []),
            ("Insulated Bottle", "28.00", "Keeps drinks cold for 24 hours.",
             "bottle", ["Steel", "Forest"], [("capacity", ["500 ml", "750 ml"], "4")]),
            ("Camp Stool", "42.00", "Folds flat, holds 120 kg.", "stool", ["Sand"], []),
            ("Trail Headlamp", "38.00", "300 lumens, USB rechargeable.", "headlamp",
             ["Charcoal"], []),
            ("Picnic Blanket", "58.00", "Waterproof backing, rolls up with a strap.",
             "folded", ["Red", "Forest"], []),
            ("Hammock", "72.00", "Parachute nylon with tree straps.", "hammock",
             ["Ochre", "Navy"], []),
            ("Enamel Camp Plate Set", "28.00", "Four plates that survive any trip.",
             "plates", ["Cream", "Blue"], []),
        ],
    },
    "Stationery": {
        "description": "For lists, letters and sketches.",
        "products": [
            ("A5 Notebook", "16.00", "192 pages of 100 gsm paper, lies flat.", "notebook",
             ["Sand"], [("paper", ["Dot grid", "Lined", "Plain"], "0")]),
            ("Brass Pen", "45.00", "Solid brass that patinas with use.", "pen", ["Brass"], []),
            ("Desk Planner", "22.00", "Undated weekly pages.", "notebook", ["Forest"], []),
            ("Watercolour Set", "34.00", "Twelve artist-grade pans in a tin.", "paints",
             ["Steel"], []),
            ("Kraft Envelopes (25)", "9.00", "Recycled kraft paper, C6.", "envelope", ["Tan"], []),
            ("Leather Pencil Case", "39.00", "Vegetable-tanned leather, zip closure.", "pouch",
             ["Tan", "Black"], []),
        ],
    },
    "Bags & Accessories": {
        "description": "Carry it well.",
        "products": [
            ("Canvas Tote", "35.00", "Heavy canvas with leather handles.", "tote",
             ["Natural", "Black"], []),
            ("Leather Wallet", "59.00", "Slim bifold, six card slots.", "wallet",
             ["Tan", "Black"], []),
            ("Wool Beanie", "27.00", "Rib-knit lambswool.", "beanie",
             ["Forest", "Charcoal", "Ochre"], []),
            ("Weekender Bag", "165.00", "Waxed canvas holdall for short trips.", "weekender",
             ["Sand", "Navy"], []),
            ("Key Ring", "15.00", "Solid brass with a leather loop.", "keyring", ["Tan"], []),
            ("Sunglasses", "85.00", "Polarised lenses, acetate frames.", "sunglasses",
             ["Tan"], []),
        ],
    },
    "Pantry": {
        "description": "Small-batch food to share.",
        "products": [
            ("Wildflower Honey", "9.00", "Raw honey from small apiaries.", "jar", ["Amber"],
             [("capacity", ["250 g", "500 g"], "7")]),
            ("Single-origin Coffee Beans", "19.00", "Medium roast, 250 g.", "bag", ["Charcoal"],
             [("grind", ["Whole bean", "Filter", "Espresso"], "0")]),
            ("Olive Oil", "14.00", "Cold-pressed extra virgin.", "oil", ["Sand"],
             [("capacity", ["500 ml", "1 l"], "10")]),
            ("Sea Salt Flakes", "9.50", "Hand-harvested, 250 g.", "jar", ["Clear"], []),
            ("Dark Chocolate Bar", "6.50", "72% cacao, single origin.", "chocolate",
             ["Walnut"], []),
            ("Loose Leaf Tea", "16.00", "Breakfast blend, 100 g.", "tins", ["Forest"], []),
            ("Hot Sauce Trio", "29.00", "Three sauces from mild to fierce.", "sauces",
             ["Red"], []),
        ],
    },
}  # fmt: skip


def _combinations(colours: list[str], others: list) -> list[tuple[dict, Decimal]]:
    """Every variant of a product: {code: value} and what it adds to the base price. Colour
    is an option only when there are several."""
    combos: list[tuple[dict, Decimal]] = [({}, Decimal(0))]
    if len(colours) > 1:
        combos = [({"colour": c}, Decimal(0)) for c in colours]
    for code, values, step in others:
        combos = [
            ({**options, code: value}, extra + Decimal(step) * index)
            for options, extra in combos
            for index, value in enumerate(values)
        ]
    return combos


def _stock_for(sku: str) -> int:
    # Deterministic and varied: some variants sold out, some low, most plentiful.
    n = int(hashlib.sha256(sku.encode()).hexdigest(), 16) % 20
    return 0 if n == 0 else 3 if n < 4 else 10 + n * 2


def _option_values() -> dict[tuple[str, str], OptionValue]:
    values = {}
    for position, (code, (name, names)) in enumerate(OPTION_TYPES.items()):
        option_type, _ = OptionType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "display": OptionType.SWATCHES if code == "colour" else OptionType.BUTTONS,
            },
        )
        choices = list(COLOURS) if code == "colour" else names
        for index, value in enumerate(choices):
            values[(code, value)], _ = OptionValue.objects.get_or_create(
                option_type=option_type,
                value=value,
                defaults={
                    "position": index,
                    "swatch": COLOURS.get(value, "") if code == "colour" else "",
                },
            )
    return values


def _shots(colours: list[str]) -> list[tuple[str, int]]:
    """A front view per colour (shown for that colour when there are several), then a
    close-up for every choice, and a second angle of products in one colour."""
    shots = [(colour, 0) for colour in colours] + [(colours[0], 1)]
    if len(colours) == 1:
        shots.append((colours[0], 2))
    return shots


def _images(product: Product, kind: str, colours: list[str], values) -> int:
    """Draw the product's shots, then save them and its listing in one short transaction
    (the shop may be serving meanwhile: `make run` draws after it listens)."""
    shots = _shots(colours)
    # Pillow draws and encodes outside the GIL: two at a time.
    with ThreadPoolExecutor(max_workers=2) as pool:
        pictures = list(
            pool.map(
                lambda shot: drawings.product_shot(kind, COLOURS[shot[0]], view=shot[1]), shots
            )
        )
    with transaction.atomic():
        for position, ((colour, view), picture) in enumerate(zip(shots, pictures, strict=True)):
            what = ["", "Close-up of the ", "Another view of the "][view]
            alt = f"{what}{product.name}" if view else product.name
            if len(colours) > 1:
                alt += f" in {colour.lower()}" if view == 0 else ""
            image = ProductImage(
                product=product,
                alt_text=alt[0].upper() + alt[1:],
                position=position,
                option_value=values[("colour", colour)] if len(colours) > 1 and view == 0 else None,
            )
            name = f"{product.slug}-{slugify(colour)}-{view}.jpg"
            image.image.save(name, ContentFile(picture))
        refresh_listings(product_ids=[product.pk])
    return len(shots)


def _demo_products_without_photos():
    slugs = [slugify(spec[0]) for c in CATALOG.values() for spec in c["products"]]
    return Product.objects.filter(slug__in=slugs, images__isnull=True).order_by("pk")


def photos_missing() -> bool:
    return _demo_products_without_photos().exists()


def draw_images() -> int:
    """The product shots not drawn yet, one product at a time, each saved in its own
    transaction: a product shows its placeholder until its photos are in. Returns how many
    images were made."""
    values = _option_values()
    slugs = {
        slugify(name): (kind, colours)
        for spec in CATALOG.values()
        for name, _price, _description, kind, colours, _others in spec["products"]
    }
    made = 0
    for product in _demo_products_without_photos():
        kind, colours = slugs[product.slug]
        made += _images(product, kind, colours, values)
    return made


@transaction.atomic
def _load_catalog() -> dict[str, int]:
    created = {"categories": 0, "products": 0, "variants": 0}
    currency = settings.SHOP_CURRENCY
    values = _option_values()
    for position, (category_name, spec) in enumerate(CATALOG.items()):
        category, new = Category.objects.get_or_create(
            slug=slugify(category_name),
            defaults={
                "name": category_name,
                "description": spec["description"],
                "position": position,
            },
        )
        created["categories"] += new
        for name, price, description, _kind, colours, others in spec["products"]:
            product, new = Product.objects.get_or_create(
                slug=slugify(name),
                defaults={"name": name, "category": category, "description": description},
            )
            created["products"] += new
            code = "".join(w[0] for w in slugify(name).split("-")).upper()[:4]
            for index, (options, extra) in enumerate(_combinations(colours, others)):
                suffix = "-".join(
                    re.sub(r"[^A-Za-z0-9]", "", v).upper()[:5] for v in options.values()
                )
                suffix = suffix or "STD"
                sku = f"{code}{product.pk:03d}-{suffix}"
                variant, new = Variant.objects.get_or_create(
                    sku=sku,
                    defaults={
                        "product": product,
                        "position": index,
                        "price": money(Decimal(price) + extra, currency),
                        "stock_on_hand": _stock_for(sku),
                    },
                )
                if new:
                    for option_code in options:
                        product.option_types.add(
                            values[(option_code, options[option_code])].option_type
                        )
                    set_variant_options(
                        variant=variant, values=[values[(c, v)] for c, v in options.items()]
                    )
                created["variants"] += new
    refresh_all()
    return created


def _catalog_loaded() -> bool:
    """Every demo product and variant is there (a second `make run`: nothing to do)."""
    slugs = [slugify(spec[0]) for c in CATALOG.values() for spec in c["products"]]
    variants = sum(
        len(_combinations(spec[4], spec[5])) for c in CATALOG.values() for spec in c["products"]
    )
    products = Product.objects.filter(slug__in=slugs)
    return (
        products.count() == len(slugs)
        and Variant.objects.filter(product__in=products).count() >= variants
    )


@transaction.atomic
def _write_german() -> int:
    """The German names and descriptions (shop/catalog/demo_de.py), where none is written yet:
    a merchant's own German stays. Then the listings' German search documents, if any was
    written. Returns how many rows got their German."""
    untranslated = Q(name_de__isnull=True) | Q(name_de="")
    written = 0
    for english, (name, description) in demo_de.CATEGORIES.items():
        written += Category.objects.filter(untranslated, slug=slugify(english)).update(
            name_de=name, description_de=description
        )
    for english, (name, description) in demo_de.PRODUCTS.items():
        written += Product.objects.filter(untranslated, slug=slugify(english)).update(
            name_de=name, description_de=description
        )
    for code, name in demo_de.OPTION_TYPES.items():
        written += OptionType.objects.filter(untranslated, code=code).update(name_de=name)
    labelled = 0
    for code, labels in demo_de.OPTION_VALUES.items():
        for value, label in labels.items():
            if label != value:
                labelled += OptionValue.objects.filter(
                    Q(label_de__isnull=True) | Q(label_de=""),
                    option_type__code=code,
                    value=value,
                ).update(label_de=label)
    if labelled:  # the variants' labels ("Waldgrün / M") are written from their values
        products = Product.objects.filter(option_types__code__in=demo_de.OPTION_VALUES)
        for product in products.distinct():
            refresh_option_labels(product=product)
    if written or labelled:
        refresh_all()
    return written + labelled


def load(*, with_images: bool = True) -> dict[str, int]:
    """The catalog (one transaction) with its German, then its pictures (`draw_images`)."""
    if _catalog_loaded():
        created = {"categories": 0, "products": 0, "variants": 0}
    else:
        created = _load_catalog()
    _write_german()
    created["images"] = draw_images() if with_images else 0
    return created


# The demo's second market: the euro area, in German, prices including VAT. Its prices are
# set once, when the demo loads, from the dollar prices at DEMO_EUR_RATE rounded up to a .90
# ending (markets/pricing.py), and stored: what a merchant would type. Nothing converts later.
DEMO_EUR_RATE = Decimal("0.92")
EURO_AREA = ["AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "NL", "PT"]


@transaction.atomic
def load_europe() -> dict[str, int]:
    """The "Europe" market and a euro price for every demo variant that has none."""
    if settings.SHOP_CURRENCY == "EUR":  # the shop already sells in euros
        return {"markets": 0, "euro prices": 0}
    _market, new = Market.objects.get_or_create(
        code="eu",
        defaults={
            "name": "Europe",
            "currency": "EUR",
            "countries": EURO_AREA,
            "language": "de",
            "prices_include_tax": True,
            "exchange_rate": DEMO_EUR_RATE,
            "position": 1,
        },
    )
    slugs = [slugify(spec[0]) for c in CATALOG.values() for spec in c["products"]]
    variants = Variant.objects.filter(product__slug__in=slugs).exclude(prices__currency="EUR")
    rows = [
        VariantPrice(
            variant=v,
            currency="EUR",
            amount=suggest_price(v.price.amount, DEMO_EUR_RATE, "EUR"),
        )
        for v in variants
    ]
    VariantPrice.objects.bulk_create(rows)
    if rows:
        refresh_listings(product_ids={row.variant.product_id for row in rows})
    return {"markets": int(new), "euro prices": len(rows)}
