"""What listings read, written ahead: the product card columns and the search document.

`refresh_listings` recomputes, for the products given, their lowest and highest price, the
units of their most available variant, their first image, their option values (for filters)
and their search document, from their variants, images and category, and writes them on the
product rows. Every catalog change that affects them calls it in its own transaction (the
services in this app, the admin, the CSV import, and orders/allocation.py for stock), so a
listing never aggregates at request time. It also bumps the catalog version, on commit, so
cached pages show the change on the next request (shop/catalog/cache.py).

The search document (PostgreSQL full text, English stemming) is weighted: the name (A) above
the category names (B) above the description (C) and the option values and SKUs (D).
`search_text` keeps the same words unstemmed for typo-tolerant trigram matching (pg_trgm). On
SQLite the same document goes into FTS5 tables, in the same transaction (catalog/sqlite_search.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest

from shop.catalog import cache, sqlite_search
from shop.catalog.models import (
    UNLIMITED,
    Category,
    Product,
    ProductImage,
    ProductPrice,
    SearchWord,
    Variant,
    VariantPrice,
)

BATCH = 500
WORD = re.compile(r"[^\W\d_]+")
CARD_FIELDS = [
    "min_price",
    "max_price",
    "units_available",
    "image",
    "image_width",
    "image_height",
    "image_alt",
    "facet_values",
    "option_cards",
    "search_text",
]


def _search_vector_sql() -> str:
    """One UPDATE writing every language's search document (Product.SEARCH_DOCUMENTS: the
    column and its text-search configuration) from the texts of that language."""
    languages = Product.SEARCH_DOCUMENTS
    sets = ",\n    ".join(
        f"{column} = setweight(to_tsvector('{config}', doc.name_{lang}), 'A')"
        f" || setweight(to_tsvector('{config}', doc.categories_{lang}), 'B')"
        f" || setweight(to_tsvector('{config}', doc.description_{lang}), 'C')"
        f" || setweight(to_tsvector('{config}', doc.options), 'D')"
        " || setweight(to_tsvector('simple', doc.skus), 'D')"
        for lang, (column, config) in languages.items()
    )
    texts = ", ".join(
        f"unnest(%s::text[]) AS {field}_{lang}"
        for lang in languages
        for field in ("name", "categories", "description")
    )
    return (
        f"UPDATE catalog_product AS p SET\n    {sets}\n"
        "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS options, "
        f"unnest(%s::text[]) AS skus, {texts}) AS doc WHERE p.id = doc.id"
    )


def _in(obj, field: str, language: str) -> str:
    """A translated field in one language, English where it has none (as pages read it)."""
    return (
        getattr(obj, f"{field}_{language}", None)
        or getattr(obj, f"{field}_{settings.LANGUAGE_CODE}", None)
        or ""
    )


def _available(variant: dict) -> int:
    if not variant["track_stock"] or variant["allow_backorder"]:
        return UNLIMITED
    return max(variant["stock_on_hand"] - variant["stock_reserved"], 0)


def _category_names(category: Category | None, language: str) -> list[str]:
    names = []
    while category is not None:
        names.append(_in(category, "name", language))
        category = category.parent
    return names


def refresh_listings(*, product_ids: Iterable[int]) -> None:
    """Recompute the listing columns of these products (call inside the change's transaction)."""
    ids = sorted({int(pk) for pk in product_ids if pk is not None})
    if not ids:
        return
    for start in range(0, len(ids), BATCH):
        _refresh_batch(ids[start : start + BATCH])
        _refresh_market_prices(ids[start : start + BATCH])
    transaction.on_commit(cache.bump_catalog_version)


def _refresh_market_prices(ids: list[int]) -> None:
    """The lowest and highest price in every other currency a variant of theirs is priced in
    (catalog.ProductPrice): rows replaced, so a price taken away takes the product out of
    that market's listings."""
    ranges: dict[tuple[int, str], list] = {}
    for product_id, currency, amount in VariantPrice.objects.filter(
        variant__product_id__in=ids
    ).values_list("variant__product_id", "currency", "amount"):
        low_high = ranges.setdefault((product_id, currency), [amount, amount])
        low_high[0], low_high[1] = min(low_high[0], amount), max(low_high[1], amount)
    ProductPrice.objects.filter(product_id__in=ids).delete()
    ProductPrice.objects.bulk_create(
        ProductPrice(product_id=product_id, currency=currency, min_price=low, max_price=high)
        for (product_id, currency), (low, high) in sorted(ranges.items())
    )


def _refresh_batch(ids: list[int]) -> None:
    products = list(Product.objects.filter(pk__in=ids).select_related("category__parent__parent"))
    variants: dict[int, list[dict]] = defaultdict(list)
    for variant in Variant.objects.filter(product_id__in=ids).values(
        "product_id",
        "sku",
        "options",
        "option_labels",
        "price",
        "stock_on_hand",
        "stock_reserved",
        "track_stock",
        "allow_backorder",
    ):
        variants[variant["product_id"]].append(variant)
    first_images: dict[int, tuple[str, int | None, int | None, str]] = {}
    value_images: dict[int, dict[str, list]] = defaultdict(dict)
    for product_id, *image, code, value in (
        ProductImage.objects.filter(product_id__in=ids)
        .order_by("product_id", "position", "pk")
        .values_list(
            "product_id",
            "image",
            "width",
            "height",
            "alt_text",
            "option_value__option_type__code",
            "option_value__value",
        )
    ):
        first_images.setdefault(product_id, tuple(image))
        if code:
            value_images[product_id].setdefault(f"{code}:{value}", image[:3])

    documents, texts, word_sources = [], [], []
    for product in products:
        own = variants.get(product.pk, [])
        prices = [v["price"] for v in own]
        product.min_price = min(prices) if prices else None
        product.max_price = max(prices) if prices else None
        product.units_available = max((_available(v) for v in own), default=0)
        product.image, product.image_width, product.image_height, product.image_alt = (
            first_images.get(product.pk, ("", None, None, ""))
        )
        values = sorted(
            {f"{key}:{value}" for v in own for key, value in (v["options"] or {}).items()}
        )
        product.facet_values = values
        product.option_cards = {
            "variants": [[v["sku"], v["options"] or {}] for v in own if v["options"]],
            "images": value_images.get(product.pk, {}),
        }
        # The values and their labels in every language ("Forest Waldgrün"): a shopper finds
        # the colour by the word the page shows.
        options = " ".join(
            sorted(
                {str(value) for v in own for value in (v["options"] or {}).values()}
                | {
                    word
                    for v in own
                    for text in (v["option_labels"] or {}).values()
                    for word in text.split(" / ")
                }
            )
        )
        skus = " ".join(v["sku"] for v in own)
        # Each language's words: the search document per language (PostgreSQL), and all of
        # them in the SQLite document and the words typos are corrected to.
        texts_by_language = {
            language: (
                _in(product, "name", language),
                " ".join(_category_names(product.category, language)),
                _in(product, "description", language),
            )
            for language in Product.SEARCH_DOCUMENTS
        }
        every = [
            " ".join(dict.fromkeys(t[i] for t in texts_by_language.values())) for i in range(3)
        ]
        name, categories, description = every
        product.search_text = " ".join(
            f"{name} {categories} {options} {skus} {description}".lower().split()
        )
        documents.append(
            (product.pk, options, skus, *[t for texts in texts_by_language.values() for t in texts])
        )
        rest = f"{options} {skus}"
        texts.append((product.pk, name, categories, description, rest))
        word_sources.append(f"{name} {categories} {options}".lower())
    Product.objects.bulk_update(products, CARD_FIELDS)
    words = {
        word for source in word_sources for word in WORD.findall(source) if 3 <= len(word) <= 100
    }
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in sorted(words)], ignore_conflicts=True
    )
    if sqlite_search.in_use():
        sqlite_search.write_documents(texts)
        sqlite_search.write_new_words()
    if connection.vendor == "postgresql" and documents:
        columns = list(zip(*documents, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(_search_vector_sql(), [list(c) for c in columns])


# The product page shows "Only N left" at this many units or fewer, and cards say sold out at
# 0: stock changes above it change nothing a shopper sees.
SHOWN_STOCK = 5
# Where a stock change shows (refresh_stock's `visible`): on every page that lists the
# products (a variant sold out or back), on their own product pages only (a low count
# changing), or nowhere (plenty left either way).
EVERYWHERE, PRODUCT_PAGES, NOWHERE = "everywhere", "product pages", "nowhere"


def refresh_stock(*, product_ids: Iterable[int], visible: str = EVERYWHERE) -> None:
    """Only `units_available`, in one statement: what a reservation, sale or restock changes.
    `visible`: where the change shows (EVERYWHERE, PRODUCT_PAGES or NOWHERE): the cached
    pages that would show it are rebuilt, the others kept.

    Lock order, with orders/allocation.py: Variant rows first (the caller holds them), then
    Product rows in primary-key order; the admin and the CSV import lock a product's variants
    before they save it, so no two transactions wait on each other in a circle.
    """
    ids = sorted({int(pk) for pk in product_ids if pk is not None})
    if not ids:
        return
    if len(ids) > 1:
        list(
            Product.objects.select_for_update()
            .filter(pk__in=ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
    available = (
        Variant.objects.filter(product=OuterRef("pk"))
        .annotate(
            units=Case(
                When(Q(track_stock=False) | Q(allow_backorder=True), then=Value(UNLIMITED)),
                default=Greatest(F("stock_on_hand") - F("stock_reserved"), Value(0)),
                output_field=IntegerField(),
            )
        )
        .order_by("-units")
        .values("units")[:1]
    )
    Product.objects.filter(pk__in=ids).update(
        units_available=Coalesce(Subquery(available), Value(0))
    )
    # Cached pages are rebuilt only when a shopper would see a difference: under a rush of
    # checkouts for plentiful stock the catalog stays in the cache, and while one product
    # runs low only its own page is rebuilt.
    if visible == EVERYWHERE:
        transaction.on_commit(cache.bump_catalog_version)
    elif visible == PRODUCT_PAGES:
        slugs = list(Product.objects.filter(pk__in=ids).values_list("slug", flat=True))
        transaction.on_commit(lambda: cache.bump_product_versions(slugs))


def refresh_all() -> int:
    """Every product (after a bulk change made outside the services, or a migration)."""
    ids = list(Product.objects.values_list("pk", flat=True))
    with transaction.atomic():
        refresh_listings(product_ids=ids)
    return len(ids)
