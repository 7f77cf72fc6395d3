"""A large catalog for the benchmark: N products in 12 categories, 3 variants each (sizes or
colours), names built from word lists so that searches find some and miss others.

    python bench/catalog.py --products 2000      # into DATABASE_URL (PostgreSQL)

Rows are bulk-inserted, then every product's listing columns are written by the same code
the shop runs (shop/catalog/listings.py). Loading again replaces the benchmark's products.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

ADJECTIVES = [
    "Organic", "Merino", "Linen", "Canvas", "Waxed", "Brass", "Walnut", "Stoneware", "Enamel",
    "Recycled", "Cotton", "Wool", "Leather", "Copper", "Oak", "Bamboo", "Cashmere", "Denim",
    "Ceramic", "Glass", "Cast Iron", "Fleece", "Suede", "Silk",
]  # fmt: skip
NOUNS = {
    "Clothing": ["Tee", "Shirt", "Sweater", "Hoodie", "Jacket", "Trousers", "Scarf", "Socks"],
    "Kitchen": ["Mug", "Skillet", "Board", "Bowl", "Teapot", "Carafe", "Tin", "Spoon"],
    "Outdoors": ["Daypack", "Bottle", "Stool", "Headlamp", "Blanket", "Hammock", "Tent"],
    "Stationery": ["Notebook", "Pen", "Planner", "Pencil Case", "Envelopes", "Journal"],
    "Bags": ["Tote", "Wallet", "Backpack", "Holdall", "Pouch", "Satchel"],
    "Home": ["Throw", "Cushion", "Lamp", "Vase", "Candle", "Rug", "Mirror"],
}
SIZES = ["S", "M", "L"]
COLOURS = ["Forest", "Sand", "Charcoal", "Rust", "Navy"]
SEARCHES = [
    "mug", "mugs", "linen shirt", "wool", "hoody", "stonware", "brass pen", "jacket", "lamp",
    "notebook", "\"cast iron\"", "bottle -glass", "tote or wallet", "cashmere scarf", "oak",
    "leather", "blanket", "teapot", "copper", "socks", "sweter", "backpak", "candle", "rug",
]  # fmt: skip


def load(count: int, seed: int = 7) -> dict[str, int]:
    import django

    django.setup()
    from django.conf import settings
    from django.db import transaction

    from shop.catalog.listings import refresh_all
    from shop.catalog.models import Category, Product, Variant

    rng = random.Random(seed)
    with transaction.atomic():
        Variant.objects.filter(sku__startswith="BENCH-").delete()
        Product.objects.filter(slug__startswith="bench-").delete()
        categories = []
        for position, (name, _) in enumerate(NOUNS.items()):
            parent, _ = Category.objects.get_or_create(
                slug=f"bench-{name.lower()}", defaults={"name": name, "position": position}
            )
            for sub in ("Everyday", "Premium"):
                child, _ = Category.objects.get_or_create(
                    slug=f"bench-{name.lower()}-{sub.lower()}",
                    defaults={"name": f"{sub} {name.lower()}", "parent": parent},
                )
                categories.append((name, child))
        products = []
        for index in range(count):
            kind, category = categories[index % len(categories)]
            name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS[kind])} {index}"
            products.append(
                Product(
                    name=name,
                    slug=f"bench-{index}",
                    category=category,
                    description=f"A {name.lower()} made to last, from the benchmark catalog.",
                )
            )
        Product.objects.bulk_create(products, batch_size=1000)
        variants = []
        for product in Product.objects.filter(slug__startswith="bench-").only("pk", "name"):
            base = Decimal(rng.randrange(8, 240))
            clothing = product.name.split()[-2] in NOUNS["Clothing"]
            for position in range(3):
                options = (
                    {"size": SIZES[position], "colour": rng.choice(COLOURS)}
                    if clothing
                    else {"colour": COLOURS[(position + product.pk) % len(COLOURS)]}
                )
                variants.append(
                    Variant(
                        product=product,
                        sku=f"BENCH-{product.pk}-{position}",
                        options=options,
                        price=(base + position * 5, settings.SHOP_CURRENCY),
                        stock_on_hand=rng.choice([0, 3, 20, 50, 1000]),
                        position=position,
                    )
                )
        Variant.objects.bulk_create(variants, batch_size=2000)
        refresh_all()
        # What the checkout pages need: a way to ship (everywhere, at one price).
        from orders.models import ShippingMethod

        ShippingMethod.objects.get_or_create(
            name="Bench standard", defaults={"price": (Decimal("5.00"), settings.SHOP_CURRENCY)}
        )
    return {"products": count, "variants": len(variants)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=2000)
    print(load(parser.parse_args().products))
