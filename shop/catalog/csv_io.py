"""Products and stock as CSV: one row per variant, for spreadsheets and other systems.

Import is all or nothing: every row is checked first, and if any is wrong nothing is applied
and every bad row is reported with its line number.

`price` is in the shop's own currency; a column `price_EUR` (one per other currency) holds
the variant's price in that currency, as the merchant set it (catalog.VariantPrice). An
empty cell there means "not sold in that currency" (an import takes such a price away, so a
file exported, edited and imported again says exactly what is sold where); a file without
the column leaves the prices in that currency as they are.
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

from markets.models import validate_currency
from markets.selectors import active_markets
from shop.catalog import options, services
from shop.catalog.listings import refresh_listings
from shop.catalog.models import Category, Product, Variant, VariantPrice
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
PRICE_IN = "price_"  # price_EUR: the price in another currency
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


def price_currencies(variants) -> list[str]:
    """The currencies of a price column: every active market's, and any the variants are
    priced in, but the shop's own (that one is `price`)."""
    currencies = {m.currency for m in active_markets()} | set(
        VariantPrice.objects.filter(variant__in=variants).values_list("currency", flat=True)
    )
    return sorted(currencies - {settings.SHOP_CURRENCY})


def export_csv(variants) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    currencies = price_currencies(variants)
    writer.writerow(COLUMNS + [f"{PRICE_IN}{c}" for c in currencies])
    for v in (
        variants.select_related("product__category")
        .prefetch_related("prices")
        .order_by("product__name", "sku")
    ):
        priced = {p.currency: p.amount for p in v.prices.all()}
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
                *(f"{quantize(priced[c], c):f}" if c in priced else "" for c in currencies),
            ]
        )
    return out.getvalue()


def _price_columns(header: list[str]) -> tuple[dict[str, str], list[str]]:
    """{currency: column} of the header's price_XXX columns, and what is wrong with them."""
    columns, problems = {}, []
    for column in header:
        if not column.lower().startswith(PRICE_IN):
            continue
        currency = column[len(PRICE_IN) :].upper()
        try:
            validate_currency(currency)
        except ValidationError:
            problems.append(f"{column}: {currency!r} is not a currency code (ISO 4217)")
            continue
        if currency == settings.SHOP_CURRENCY:
            problems.append(f"{column}: the shop's own currency is the price column")
        elif currency in columns:
            problems.append(f"{column}: {currency} has two columns")
        else:
            columns[currency] = column
    return columns, problems


def _amount(text: str, currency: str, column: str) -> tuple[Decimal | None, str | None]:
    """A price typed in a file, or why it is not one."""
    try:
        amount = Decimal(text.strip())
        if not amount.is_finite() or amount < 0:
            raise InvalidOperation
    except InvalidOperation:
        return None, f"{column} {text!r} is not an amount"
    if quantize(amount, currency) != amount:
        return None, f"{column} {amount} has more decimals than {currency} allows"
    return amount, None


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
    # {currency: amount, or None to take that price away}: only the file's price columns
    prices: dict = field(default_factory=dict)


def _check_row(
    line: int, raw: dict, categories: dict, products: dict, price_columns: dict | None = None
) -> tuple[_Row | None, list]:
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
    price, problem = _amount(raw.get("price") or "", currency, "price")
    if problem:
        problems.append(problem)
    prices = {}
    for other, column in (price_columns or {}).items():
        text = (raw.get(column) or "").strip()
        if not text:
            prices[other] = None  # not sold in that currency
            continue
        prices[other], problem = _amount(text, other, column)
        if problem:
            problems.append(problem)
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
            prices=prices,
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
    price_columns, problems = _price_columns(header)
    if problems:
        result.errors.append((1, "; ".join(problems)))
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
        row, problems = _check_row(number, raw, categories, products, price_columns)
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
        if row.prices:
            services.set_prices(variant_id=variant.pk, prices=row.prices, refresh=False)
    except ValidationError as error:
        error.line = row.line  # type: ignore[attr-defined]
        raise
