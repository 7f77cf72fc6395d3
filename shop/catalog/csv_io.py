"""Products and stock as CSV: one row per variant, for spreadsheets and other systems.

Import is all or nothing: every row is checked first, and if any is wrong nothing is applied
and every bad row is reported with its line number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from moneyed import Money

from shop.catalog import options, services
from shop.catalog.listings import refresh_listings
from shop.catalog.models import Category, Product, Variant
from shop.money import quantize

COLUMNS = [
    "sku",
    "product",
    "product_slug",
    "category_slug",
    "options",
    "price",
    "stock_on_hand",
    "track_stock",
    "allow_backorder",
    "published",
]
REQUIRED = ["sku", "product", "price", "stock_on_hand"]
TRUE, FALSE = {"1", "true", "yes", "y"}, {"0", "false", "no", "n", ""}
MAX_ROWS = 10_000


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _options_text(options: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in options.items())


def _parse_options(text: str) -> dict:
    options = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = part.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ValueError(f"options must look like 'size=L; colour=Red', not {part!r}")
        options[name.strip()] = value.strip()
    return options


def _flag(value: str, name: str, default: bool) -> bool:
    text = (value or "").strip().lower()
    if text == "" and default is not None:
        return default
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError(f"{name} must be yes or no, not {value!r}")


def export_csv(variants) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for v in variants.select_related("product__category").order_by("product__name", "sku"):
        writer.writerow(
            [
                v.sku,
                v.product.name,
                v.product.slug,
                v.product.category.slug,
                _options_text(v.options or {}),
                f"{quantize(v.price.amount, v.price.currency.code):f}",
                v.stock_on_hand,
                "yes" if v.track_stock else "no",
                "yes" if v.allow_backorder else "no",
                "yes" if v.product.is_published else "no",
            ]
        )
    return out.getvalue()


@dataclass
class _Row:
    line: int
    sku: str
    product: str
    product_slug: str
    category_slug: str
    options: dict
    price: Decimal
    stock: int
    track_stock: bool
    allow_backorder: bool
    published: bool


def _check_row(line: int, raw: dict, categories: dict, products: dict) -> tuple[_Row | None, list]:
    problems = []
    currency = settings.SHOP_CURRENCY
    sku = (raw.get("sku") or "").strip()
    name = (raw.get("product") or "").strip()
    if not sku:
        problems.append("sku is empty")
    elif len(sku) > 64:
        problems.append("sku is longer than 64 characters")
    if not name:
        problems.append("product is empty")
    slug = (raw.get("product_slug") or "").strip() or slugify(name)
    category_slug = (raw.get("category_slug") or "").strip()
    if slug not in products:
        if not category_slug:
            problems.append(f"product {slug!r} is new, so category_slug is needed")
        elif category_slug not in categories:
            problems.append(f"category {category_slug!r} does not exist")
    elif category_slug and category_slug not in categories:
        problems.append(f"category {category_slug!r} does not exist")
    price = None
    try:
        price = Decimal((raw.get("price") or "").strip())
        if not price.is_finite() or price < 0:
            raise InvalidOperation
        if quantize(price, currency) != price:
            problems.append(f"price {price} has more decimals than {currency} allows")
    except InvalidOperation:
        problems.append(f"price {raw.get('price')!r} is not an amount")
    stock = None
    try:
        stock = int((raw.get("stock_on_hand") or "").strip())
        if abs(stock) > 10**9:
            raise ValueError
    except ValueError:
        problems.append(f"stock_on_hand {raw.get('stock_on_hand')!r} is not a whole number")
    values = {}
    for key, column, default in [
        ("options", "options", None),
        ("track_stock", "track_stock", True),
        ("allow_backorder", "allow_backorder", False),
        ("published", "published", True),
    ]:
        try:
            text = raw.get(column) or ""
            values[key] = _parse_options(text) if key == "options" else _flag(text, column, default)
        except ValueError as error:
            problems.append(str(error))
    if stock is not None and stock < 0 and not values.get("allow_backorder"):
        problems.append("stock_on_hand is negative but backorders are not allowed")
    if problems:
        return None, problems
    return (
        _Row(
            line=line,
            sku=sku,
            product=name,
            product_slug=slug,
            category_slug=category_slug,
            options=values["options"],
            price=price,
            stock=stock,
            track_stock=values["track_stock"],
            allow_backorder=values["allow_backorder"],
            published=values["published"],
        ),
        [],
    )


def import_csv(text: str) -> ImportResult:
    """Create or update products and variants (matched by SKU) and set their stock."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append((1, f"the header lacks the column(s) {', '.join(missing)}"))
        return result
    reader.fieldnames = header
    categories = {c.slug: c for c in Category.objects.all()}
    products = {p.slug: p for p in Product.objects.all()}
    rows, seen = [], {}
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_ROWS:
            result.errors.append((number, f"more than {MAX_ROWS} rows; split the file"))
            break
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue  # a blank line
        row, problems = _check_row(number, raw, categories, products)
        if row is not None and row.sku in seen:
            problems = [f"sku {row.sku} is also on line {seen[row.sku]}"]
        if problems:
            result.errors.append((number, "; ".join(problems)))
            continue
        seen[row.sku] = number
        rows.append(row)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            # The checkouts' lock order: variant rows before their products.
            services.lock_variants_of(
                product_ids=[
                    products[r.product_slug].pk for r in rows if r.product_slug in products
                ]
            )
            for row in rows:
                _apply(row, categories, products, result)
            refresh_listings(product_ids=[products[r.product_slug].pk for r in rows])
    except ValidationError as error:
        result.created = result.updated = 0
        result.errors.append((error.line, " ".join(error.messages)))  # type: ignore[attr-defined]
    return result


def _apply(row: _Row, categories: dict, products: dict, result: ImportResult) -> None:
    product = products.get(row.product_slug)
    if product is None:
        product = Product.objects.create(
            name=row.product,
            slug=row.product_slug,
            category=categories[row.category_slug],
            is_published=row.published,
        )
        products[product.slug] = product
    else:
        product.name = row.product
        product.is_published = row.published
        if row.category_slug:
            product.category = categories[row.category_slug]
        product.save(update_fields=["name", "is_published", "category", "updated_at"])
    price = Money(row.price, settings.SHOP_CURRENCY)
    variant = Variant.objects.filter(sku=row.sku).first()
    try:
        if variant is None:
            variant = Variant(
                product=product,
                sku=row.sku,
                price=price,
                stock_on_hand=row.stock,
                track_stock=row.track_stock,
                allow_backorder=row.allow_backorder,
            )
            services.save_variant(variant=variant, refresh=False)
            options.assign_options(variant=variant, options=row.options)
            result.created += 1
        else:
            variant.product = product
            variant.price = price
            variant.track_stock = row.track_stock
            variant.allow_backorder = row.allow_backorder
            variant.stock_on_hand = row.stock
            services.save_variant(variant=variant, refresh=False)
            options.assign_options(variant=variant, options=row.options)
            result.updated += 1
    except ValidationError as error:
        error.line = row.line  # type: ignore[attr-defined]
        raise
