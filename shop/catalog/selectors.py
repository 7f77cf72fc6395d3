"""Read paths for the catalog. Each list page runs a fixed number of queries whatever its size:
the product cards read columns kept on the product (catalog/listings.py), and the result
count and every filter's counts come from one grouped query."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    TrigramSimilarity,
    TrigramWordSimilarity,
)
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Greatest, Upper
from django.utils.translation import gettext_lazy as _

from shop.catalog import cache, sqlite_search
from shop.catalog.images import thumbnail_url
from shop.catalog.models import (
    Category,
    OptionType,
    OptionValue,
    Product,
    ProductImage,
    Variant,
    VariantOption,
)
from shop.money import as_text as format_money

CARD_FIELDS = [
    "name",
    "slug",
    "min_price",
    "max_price",
    "units_available",
    "image",
    "image_width",
    "image_height",
    "image_alt",
    "option_cards",
    "created_at",
]

# Price bands for the price filter: (lower bound included, upper bound excluded).
PRICE_BANDS = [(0, 25), (25, 50), (50, 100), (100, 200), (200, None)]

SORTS = {
    "relevance": _("Relevance"),
    "name": _("Name"),
    "price": _("Price, low to high"),
    "-price": _("Price, high to low"),
    "newest": _("Newest"),
}
ORDERINGS = {
    "name": ["name", "pk"],
    "price": ["min_price", "name", "pk"],
    "-price": ["-min_price", "name", "pk"],
    "newest": ["-created_at", "-pk"],
}

WORD = re.compile(r"[^\W_]+")
OPERATORS = re.compile(r'"|(?:^|\s)-\w|(?:^|\s)or(?:\s|$)', re.IGNORECASE)


def listed_products() -> QuerySet[Product]:
    """Published products that can be listed (they have a price), with the card's columns."""
    return Product.objects.published().filter(min_price__isnull=False).only(*CARD_FIELDS)


def purchasable(products: QuerySet[Product]) -> QuerySet[Product]:
    """Merchandising lists ("New in") leave out what cannot be bought."""
    return products.filter(units_available__gt=0)


# --- categories (one query, cached with the catalog version) --------------------------------


@dataclass(frozen=True)
class CategoryTree:
    categories: dict[int, Category]
    children: dict[int | None, list[int]]

    def by_slug(self, slug: str) -> Category | None:
        return next((c for c in self.categories.values() if c.slug == slug), None)

    def descendant_ids(self, category_id: int) -> list[int]:
        ids, stack = [], [category_id]
        while stack:
            current = stack.pop()
            ids.append(current)
            stack.extend(self.children.get(current, []))
        return ids

    def top_level(self) -> list[Category]:
        return [self.categories[pk] for pk in self.children.get(None, [])]

    def child_of(self, ancestor_id: int, category_id: int) -> int | None:
        """The child of `ancestor_id` that `category_id` is in (or is), if any."""
        current = self.categories.get(category_id)
        while current is not None and current.parent_id is not None:
            if current.parent_id == ancestor_id:
                return current.pk
            current = self.categories.get(current.parent_id)
        return None


def _load_category_tree() -> CategoryTree:
    rows = list(Category.objects.only("pk", "slug", "name", "parent_id", "description"))
    children: dict[int | None, list[int]] = {}
    for category in rows:  # already in display order
        children.setdefault(category.parent_id, []).append(category.pk)
    return CategoryTree(categories={c.pk: c for c in rows}, children=children)


def category_tree(*, fresh: bool = False) -> CategoryTree:
    """Every category, one query, cached under the catalog version. `fresh`: read now (a
    change to categories, before its commit has bumped the version)."""
    if fresh:
        return _load_category_tree()
    from django.core.cache import cache as django_cache

    # Kept in the cache even without CATALOG_CACHE: one web process (the embedded shop)
    # shares its own version number; several need Redis (see README).
    try:
        return django_cache.get_or_set(cache.key("categories"), _load_category_tree, timeout=3600)
    except Exception:  # the cache is down: read them
        return _load_category_tree()


def navigation_categories() -> list[Category]:
    """Top-level categories for the home page."""
    return category_tree().top_level()


# --- search -----------------------------------------------------------------------------------


def _words(query: str) -> list[str]:
    return WORD.findall(query.lower())


CORRECTIONS_SQL = """
SELECT typed.word, (
    SELECT known.word FROM catalog_searchword AS known
    WHERE known.word %% typed.word
    ORDER BY similarity(known.word, typed.word) DESC, known.word LIMIT 1
) FROM unnest(%s::text[]) AS typed(word)
"""


def corrections(words: list[str]) -> dict[str, str]:
    """For each word of four letters or more, the catalog word nearest to it (itself if it
    is one): one query over the short list of the catalog's words (pg_trgm)."""
    typed = [w for w in dict.fromkeys(words) if 4 <= len(w) <= 100]
    if not typed or connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(CORRECTIONS_SQL, [typed])
        return {word: known for word, known in cursor.fetchall() if known and known != word}


def search_filter(query: str) -> tuple[Q, object | None]:
    """What a search matches, and how to rank it (None on SQLite).

    PostgreSQL: the stored, weighted, stemmed document ("mugs" finds Mug) with the web-search
    syntax (quotes, -word, or); without that syntax, also the last word as a prefix (a word
    being typed) and the words with their typos corrected to the nearest catalog words
    ("hoody" finds Hoodie, "stonware" Stoneware). An exact SKU always matches. All through
    GIN indexes. SQLite: the same through FTS5 (catalog/sqlite_search.py).
    """
    query = query.strip()[:200]
    words = _words(query)
    skus = (
        Variant.objects.annotate(upper_sku=Upper("sku"))
        .filter(upper_sku=query.upper())
        .values_list("product_id", flat=True)
    )
    looks_like_sku = any(ch.isdigit() for ch in query) and " " not in query
    if sqlite_search.in_use():
        match, rank = sqlite_search.search_filter(query, words, correct=not looks_like_sku)
        return match | Q(pk__in=skus), rank
    web = SearchQuery(query, search_type="websearch", config="english")
    wanted = web
    if words and not OPERATORS.search(query):
        fixed = {} if looks_like_sku else corrections(words)
        typed = " & ".join([*words[:-1], words[-1] + ":*"])
        wanted = wanted | SearchQuery(typed, search_type="raw", config="english")
        if fixed:
            corrected = " & ".join(fixed.get(w, w) for w in words)
            wanted = wanted | SearchQuery(corrected, search_type="plain", config="english")
    rank = SearchRank(F("search_vector"), wanted)
    match = Q(search_vector=wanted)  # a bitmap scan of the GIN index, filters and all
    if looks_like_sku:
        # An exact SKU, looked up first (the query typo correction is skipped for it):
        # an `OR id IN (subquery)` would turn the index scan into a full one.
        match |= Q(pk__in=list(skus))
    return match, rank


def did_you_mean(query: str) -> list[str]:
    """On a miss: the product names and categories nearest to what was typed."""
    words = " ".join(_words(query))
    if len(words) < 3:
        return []
    suggestions: list[str] = []
    if connection.vendor == "postgresql":
        scored = list(
            listed_products()
            .annotate(
                similarity=Greatest(
                    TrigramSimilarity("name", words), TrigramWordSimilarity(words, "name")
                )
            )
            .filter(similarity__gte=0.3)
            .order_by("-similarity", "name")
            .values_list("name", "similarity")[:3]
        )
        # The nearest, and any about as near: not every name that shares a few letters.
        best = scored[0][1] if scored else 0
        suggestions = [name for name, similarity in scored if similarity >= best - 0.05]
    elif sqlite_search.in_use():  # the embedded shop's catalog: its names, scored alike
        names = list(listed_products().values_list("name", flat=True))
        suggestions = sqlite_search.nearest_names(words, names)
    names = [c.name for c in category_tree().categories.values()]
    suggestions += difflib.get_close_matches(query.strip().title(), names, n=2, cutoff=0.6)
    return list(dict.fromkeys(suggestions))[:4]


def suggestions(query: str, limit: int = 8) -> list[dict]:
    """What the search box offers while the shopper types: products with their link, price
    and the smallest rendition of their photo (one query, the card's columns)."""
    if len(query.strip()) < 2:
        return []
    match, rank = search_filter(query)
    products = listed_products().filter(match)
    products = products.annotate(rank=rank).order_by("-rank", "name") if rank else products
    found = products.only("name", "slug", "min_price", "max_price", "image")[:limit]
    return [
        {
            "name": p.name,
            "url": p.get_absolute_url(),
            "price": (
                _("from %(price)s") % {"price": format_money(p.price_from)}
                if p.has_price_range
                else format_money(p.price_from)
            ),
            "image": thumbnail_url(p.image),
        }
        for p in found
    ]


# --- filters, facets and the listing -----------------------------------------------------------


@dataclass
class Filters:
    """The filters of a category or search page, as parsed from its URL (catalog/forms.py)."""

    price_min: Decimal | None = None
    price_max: Decimal | None = None
    in_stock: bool = False
    options: dict[str, list[str]] = field(default_factory=dict)  # type -> values (OR)
    category_ids: list[int] | None = None  # a sub-category chosen

    def queryset(self, base: QuerySet[Product], *, without: str = "") -> QuerySet[Product]:
        """`base` narrowed by every filter but `without` ("price", "stock", "category", or
        "option:<type>"): a filter's own counts ignore itself, so each value shows what
        choosing it would give."""
        products = base
        if without != "price":
            if self.price_min is not None:
                products = products.filter(min_price__gte=self.price_min)
            if self.price_max is not None:
                products = products.filter(min_price__lt=self.price_max)
        if self.in_stock and without != "stock":
            products = products.filter(units_available__gt=0)
        if self.category_ids is not None and without != "category":
            products = products.filter(category_id__in=self.category_ids)
        postgres = connection.vendor == "postgresql"
        for option_type, values in self.options.items():
            if without == f"option:{option_type}" or not values:
                continue
            either = Q()
            for value in values:
                wanted = f"{option_type}:{value}"
                if postgres:  # JSON containment, through the GIN index
                    either |= Q(facet_values__contains=[wanted])
                else:  # SQLite: the quoted value in the JSON text
                    either |= Q(facet_text__contains=json.dumps(wanted))
            if not postgres:
                products = products.alias(facet_text=Cast("facet_values", TextField()))
            products = products.filter(either)
        return products

    @property
    def active(self) -> bool:
        return bool(
            self.price_min is not None
            or self.price_max is not None
            or self.in_stock
            or any(self.options.values())
            or self.category_ids is not None
        )


@dataclass
class Facets:
    total: int = 0
    categories: dict[int, int] = field(default_factory=dict)
    price_bands: dict[int, int] = field(default_factory=dict)
    in_stock: int = 0
    options: dict[str, dict[str, int]] = field(default_factory=dict)


def _filter_sql(filters: Filters, *, without: str = "") -> tuple[str, list]:
    """The filters as SQL over the columns of the matching rows `m` (see `facets`)."""
    postgres = connection.vendor == "postgresql"
    conditions, params = ["1 = 1"], []
    if without != "price":
        if filters.price_min is not None:
            conditions.append("m.min_price >= %s")
            params.append(filters.price_min)
        if filters.price_max is not None:
            conditions.append("m.min_price < %s")
            params.append(filters.price_max)
    if filters.in_stock and without != "stock":
        conditions.append("m.units_available > 0")
    if filters.category_ids is not None and without != "category":
        conditions.append(
            "m.category_id IN (" + ", ".join("%s" for _ in filters.category_ids or [0]) + ")"
        )
        params.extend(filters.category_ids or [0])
    for option_type, values in filters.options.items():
        if without == f"option:{option_type}" or not values:
            continue
        elements = (
            "jsonb_array_elements_text(m.facet_values) AS e(value)"
            if postgres
            else "json_each(m.facet_values) AS e"
        )
        chosen = ", ".join("%s" for _ in values)
        conditions.append(f"EXISTS (SELECT 1 FROM {elements} WHERE e.value IN ({chosen}))")  # noqa: S608
        params.extend(f"{option_type}:{value}" for value in values)
    return " AND ".join(conditions), params


def facets(base: QuerySet[Product], filters: Filters) -> Facets:
    """The result count and every filter value's count, in one query.

    The matching products are found once (a CTE over `base`), then counted in grouped
    selects joined by UNION ALL, each with every filter but its own. The SQL is built from
    fixed text and the ORM's compiled query with its parameters: no shopper's text in it.
    """
    postgres = connection.vendor == "postgresql"
    elements = (
        "jsonb_array_elements_text(m.facet_values) AS f(value)"
        if postgres
        else "json_each(m.facet_values) AS f"
    )
    band_cases = " ".join(
        f"WHEN m.min_price >= {low} AND m.min_price < {high} THEN '{i}'"
        if high is not None
        else f"WHEN m.min_price >= {low} THEN '{i}'"
        for i, (low, high) in enumerate(PRICE_BANDS)
    )
    base_sql, base_params = base.values(
        "pk", "category_id", "min_price", "units_available", "facet_values"
    ).query.sql_with_params()
    materialized = "MATERIALIZED " if postgres else ""
    parts, params = [], list(base_params)

    def part(select: str, without: str = "", extra_where: str = "", group: str = "") -> None:
        where, where_params = _filter_sql(filters, without=without)
        if extra_where:
            where = f"{where} AND {extra_where}"
        parts.append(f"{select} WHERE {where}{group}")
        params.extend(where_params)

    part("SELECT 'total' AS facet, '' AS value, COUNT(*) AS n FROM m")
    part(
        "SELECT 'category', CAST(m.category_id AS TEXT), COUNT(*) FROM m",
        "category",
        group=" GROUP BY m.category_id",
    )
    part(f"SELECT 'price', CASE {band_cases} END, COUNT(*) FROM m", "price", group=" GROUP BY 2")  # noqa: S608
    part("SELECT 'stock', '', COUNT(*) FROM m", "stock", extra_where="m.units_available > 0")
    filtered_types = [t for t, values in filters.options.items() if values]
    not_filtered = " AND ".join("f.value NOT LIKE %s" for _ in filtered_types) or "1 = 1"
    where, where_params = _filter_sql(filters)
    parts.append(
        f"SELECT 'option', f.value, COUNT(*) FROM m, {elements} "  # noqa: S608
        f"WHERE {where} AND {not_filtered} GROUP BY f.value"
    )
    params.extend([*where_params, *(f"{t}:%" for t in filtered_types)])
    for option_type in filtered_types:
        where, where_params = _filter_sql(filters, without=f"option:{option_type}")
        parts.append(
            f"SELECT 'option', f.value, COUNT(*) FROM m, {elements} "  # noqa: S608
            f"WHERE {where} AND f.value LIKE %s GROUP BY f.value"
        )
        params.extend([*where_params, f"{option_type}:%"])
    sql = f"WITH m AS {materialized}({base_sql}) " + " UNION ALL ".join(parts)
    result = Facets()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for facet, key, count in rows:
        if facet == "total":
            result.total = count
        elif facet == "category":
            result.categories[int(key)] = count
        elif facet == "price" and key is not None:
            result.price_bands[int(key)] = count
        elif facet == "stock":
            result.in_stock = count
        elif facet == "option" and key and ":" in key:
            option_type, _colon, option_value = key.partition(":")
            result.options.setdefault(option_type, {})[option_value] = count
    return result


def ordered(products: QuerySet[Product], sort: str, rank=None) -> QuerySet[Product]:
    if sort == "relevance" and rank is not None:
        return products.annotate(rank=rank).order_by("-rank", "name", "pk")
    return products.order_by(*ORDERINGS.get(sort, ORDERINGS["name"]))


# --- product page and stock --------------------------------------------------------------------


def product_for_page(slug: str) -> Product | None:
    """A published product with its variants, images and option types (four queries)."""
    return (
        Product.objects.published()
        .select_related("category")
        .prefetch_related("images", "variants", "option_types")
        .filter(slug=slug)
        .first()
    )


def option_links(product_id: int) -> list[tuple[int, int, OptionValue]]:
    """(variant id, option type id, value) of every variant of the product (one query)."""
    return [
        (link.variant_id, link.option_type_id, link.value)
        for link in VariantOption.objects.filter(variant__product_id=product_id).select_related(
            "value"
        )
    ]


def variant_id_with_values(*, product_id: int, value_ids: list[int]) -> int | None:
    """The product's variant that has exactly these option values, no more (one query)."""
    if not value_ids:
        return None
    ids = sorted(set(value_ids))
    return (
        Variant.objects.filter(product_id=product_id)
        .annotate(
            matched=Count("option_values", filter=Q(option_values__value_id__in=ids)),
            total=Count("option_values"),
        )
        .filter(matched=len(ids), total=len(ids))
        .values_list("pk", flat=True)
        .first()
    )


def variant_for_options(
    *, product_id: int, wanted: dict[str, int], nearest: bool = False
) -> Variant | None:
    """The product's variant with these option values ({type code: value id}). `nearest`:
    failing an exact match, the one that can be bought sharing the most of them, earlier
    options first (three queries)."""
    variants = list(Variant.objects.filter(product_id=product_id))
    types = list(OptionType.objects.filter(products=product_id))
    if not types:
        return variants[0] if len(variants) == 1 else None
    values_of: dict[int, dict[str, int]] = {v.pk: {} for v in variants}
    codes = {t.pk: t.code for t in types}
    for variant_id, type_id, value in option_links(product_id):
        values_of[variant_id][codes[type_id]] = value.pk
    exact = next((v for v in variants if values_of[v.pk] == wanted), None)
    if exact is not None or not nearest:
        return exact

    def score(variant: Variant) -> tuple:
        shared = tuple(values_of[variant.pk].get(t.code) == wanted.get(t.code) for t in types)
        return (variant.available > 0, shared)

    return max(variants, key=score, default=None)


def variants_for_update(variant_ids: list[int]) -> QuerySet[Variant]:
    """Variant rows locked in primary-key order: the one lock order for stock."""
    return Variant.objects.select_for_update(of=("self",)).filter(pk__in=variant_ids).order_by("pk")


def low_stock_variants(threshold: int | None = None) -> QuerySet[Variant]:
    """Tracked variants with `threshold` or fewer units in stock (not held by unpaid orders),
    fewest first. Backorderable ones are included: they are still running out."""
    limit = settings.LOW_STOCK_THRESHOLD if threshold is None else threshold
    return (
        Variant.objects.filter(track_stock=True, product__is_published=True)
        .select_related("product")
        .alias(units=F("stock_on_hand") - F("stock_reserved"))
        .filter(units__lte=limit)
        .annotate(units_in_stock=Greatest(F("stock_on_hand") - F("stock_reserved"), Value(0)))
        .order_by("units_in_stock", "sku")
    )


def variant_photo(variant_ref: OuterRef) -> Subquery:
    """The name of the photo that shows a variant (its product's images file name), for a
    query over rows pointing at variants (`variant_ref`, e.g. OuterRef("variant_id")): a photo
    shown only for one of the variant's values (its colour) first, then one for every choice,
    then any. Cart lines, order summaries and emails show this one, never another colour's."""
    own = VariantOption.objects.filter(
        variant_id=OuterRef(variant_ref), value_id=OuterRef("option_value_id")
    )
    photos = (
        ProductImage.objects.filter(product__variants=variant_ref)
        .annotate(
            rank=Case(
                When(Exists(own), then=Value(0)),
                When(option_value__isnull=True, then=Value(1)),
                default=Value(2),
            )
        )
        .order_by("rank", "position", "pk")
    )
    return Subquery(photos.values("image")[:1])
