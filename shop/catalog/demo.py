"""The demo catalog: 6 categories, 40 products, variants, stock and generated images.

Idempotent: products are found by slug and SKUs by code, so loading twice changes nothing.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from shop.catalog.listings import refresh_all
from shop.catalog.models import Category, Product, ProductImage, Variant
from shop.money import money

SIZES = ["S", "M", "L", "XL"]
COLOURS = ["Forest", "Sand", "Charcoal"]

CATALOG = {
    "Clothing": {
        "description": "Everyday clothes made to last.",
        "options": "size+colour",
        "products": [
            ("Organic Cotton Tee", "29.00", "Heavyweight organic cotton, garment-dyed."),
            ("Merino Crew Sweater", "89.00", "Fine merino wool that keeps warm without bulk."),
            ("Canvas Work Jacket", "149.00", "Waxed canvas, corduroy collar, four pockets."),
            ("Linen Shirt", "69.00", "Breathable European linen, relaxed fit."),
            ("Fleece Hoodie", "75.00", "Recycled fleece, brushed inside."),
            ("Chino Trousers", "79.00", "Stretch cotton twill with a tapered leg."),
            ("Rain Shell", "129.00", "Seam-sealed, packs into its own pocket."),
        ],
    },
    "Home & Kitchen": {
        "description": "Things you will use every day.",
        "options": "colour",
        "products": [
            ("Stoneware Mug", "18.00", "Hand-glazed, 350 ml, dishwasher safe."),
            ("Cast Iron Skillet", "55.00", "Pre-seasoned 26 cm skillet for a lifetime of use."),
            ("Linen Tea Towels (set of 2)", "24.00", "Absorbent stonewashed linen."),
            ("Walnut Cutting Board", "65.00", "End-grain walnut, oiled by hand."),
            ("Pour-over Coffee Set", "48.00", "Ceramic dripper with a glass carafe."),
            ("Wool Throw Blanket", "110.00", "Lambswool throw, 130 × 180 cm."),
            ("Enamel Storage Tins", "36.00", "Set of three airtight tins."),
        ],
    },
    "Outdoors": {
        "description": "Gear for days outside.",
        "options": "colour",
        "products": [
            ("Daypack 20L", "95.00", "Water-resistant pack with a padded laptop sleeve."),
            ("Insulated Bottle", "32.00", "Keeps drinks cold for 24 hours."),
            ("Camp Stool", "42.00", "Folds flat, holds 120 kg."),
            ("Trail Headlamp", "38.00", "300 lumens, USB rechargeable."),
            ("Picnic Blanket", "58.00", "Waterproof backing, rolls up with a strap."),
            ("Hammock", "72.00", "Parachute nylon with tree straps."),
            ("Enamel Camp Plate Set", "28.00", "Four plates that survive any trip."),
        ],
    },
    "Stationery": {
        "description": "For lists, letters and sketches.",
        "options": "none",
        "products": [
            ("Dot Grid Notebook", "16.00", "A5, 192 pages of 100 gsm paper."),
            ("Brass Pen", "45.00", "Solid brass that patinas with use."),
            ("Desk Planner", "22.00", "Undated weekly pages."),
            ("Watercolour Set", "34.00", "Twelve artist-grade pans in a tin."),
            ("Kraft Envelopes (25)", "9.00", "Recycled kraft paper, C6."),
            ("Leather Pencil Case", "39.00", "Vegetable-tanned leather, zip closure."),
        ],
    },
    "Bags & Accessories": {
        "description": "Carry it well.",
        "options": "colour",
        "products": [
            ("Canvas Tote", "35.00", "Heavy canvas with leather handles."),
            ("Leather Wallet", "59.00", "Slim bifold, six card slots."),
            ("Wool Beanie", "27.00", "Rib-knit lambswool."),
            ("Weekender Bag", "165.00", "Waxed canvas holdall for short trips."),
            ("Key Ring", "15.00", "Solid brass with a leather loop."),
            ("Sunglasses", "85.00", "Polarised lenses, acetate frames."),
        ],
    },
    "Pantry": {
        "description": "Small-batch food to share.",
        "options": "none",
        "products": [
            ("Wildflower Honey", "14.00", "Raw honey from small apiaries, 350 g."),
            ("Single-origin Coffee Beans", "19.00", "Medium roast, 250 g."),
            ("Olive Oil", "24.00", "Cold-pressed extra virgin, 500 ml."),
            ("Sea Salt Flakes", "9.50", "Hand-harvested, 250 g."),
            ("Dark Chocolate Bar", "6.50", "72% cacao, single origin."),
            ("Loose Leaf Tea", "16.00", "Breakfast blend, 100 g."),
            ("Hot Sauce Trio", "29.00", "Three sauces from mild to fierce."),
        ],
    },
}


def _variants_for(kind: str) -> list[dict]:
    if kind == "size+colour":
        return [{"size": s, "colour": c} for c in COLOURS[:2] for s in SIZES]
    if kind == "colour":
        return [{"colour": c} for c in COLOURS]
    return [{}]


def _stock_for(sku: str) -> int:
    # Deterministic and varied: some variants sold out, some low, most plentiful.
    n = int(hashlib.sha256(sku.encode()).hexdigest(), 16) % 20
    return 0 if n == 0 else 3 if n < 4 else 10 + n * 2


def _image_png(name: str, seed: str) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    hue = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 360 / 360
    top = tuple(int(c * 255) for c in colorsys.hls_to_rgb(hue, 0.78, 0.45))
    bottom = tuple(int(c * 255) for c in colorsys.hls_to_rgb(hue, 0.55, 0.40))
    size = 600
    image = Image.new("RGB", (size, size), top)
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / size
        draw.line(
            [(0, y), (size, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    initials = "".join(word[0] for word in name.split()[:2]).upper()
    big = ImageFont.load_default(size=220)
    small = ImageFont.load_default(size=34)
    draw.text((size / 2, size / 2 - 30), initials, font=big, fill=(255, 255, 255), anchor="mm")
    draw.text((size / 2, size - 80), name, font=small, fill=(255, 255, 255), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@transaction.atomic
def load(*, with_images: bool = True) -> dict[str, int]:
    created = {"categories": 0, "products": 0, "variants": 0, "images": 0}
    currency = settings.SHOP_CURRENCY
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
        for name, price, description in spec["products"]:
            product, new = Product.objects.get_or_create(
                slug=slugify(name),
                defaults={"name": name, "category": category, "description": description},
            )
            created["products"] += new
            code = "".join(w[0] for w in slugify(name).split("-")).upper()[:4]
            for index, options in enumerate(_variants_for(spec["options"])):
                suffix = "-".join(str(v)[:2].upper() for v in options.values()) or "STD"
                sku = f"{code}{product.pk:03d}-{suffix}"
                step = Decimal(5) * ("size" in options and options["size"] == "XL")
                _, new = Variant.objects.get_or_create(
                    sku=sku,
                    defaults={
                        "product": product,
                        "options": options,
                        "position": index,
                        "price": money(Decimal(price) + step, currency),
                        "stock_on_hand": _stock_for(sku),
                    },
                )
                created["variants"] += new
            if with_images and not product.images.exists():
                image = ProductImage(product=product, alt_text=name)
                image.image.save(
                    f"{product.slug}.png", ContentFile(_image_png(name, product.slug)), save=True
                )
                created["images"] += 1
    refresh_all()
    return created
