"""Read paths for the catalog. Each list page runs a fixed number of queries whatever its size:
the product cards read columns kept on the product (catalog/listings.py), and the result
count and every filter's counts come from one grouped query.

Search is in search.py and the filters with their counts in facets.py; their names are
re-exported here for the listing's callers (views, the API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils.translation import gettext_lazy as _

from shop.catalog import cache

# Moved to facets.py and search.py; re-exported for the listing's callers (views, the API).
from shop.catalog.facets import PRICE_BANDS, Facets, Filters, facets, price_bands  # noqa: F401
from shop.catalog.models import (
    Category,
    OptionType,
    OptionValue,
    Product,
    ProductImage,
    ProductPrice,
    Variant,
    VariantOption,
)
from shop.catalog.prices import is_shop_currency
from shop.catalog.search import did_you_mean, search_filter, suggestions  # noqa: F401

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
    "rating_average",
    "rating_count",
]


SORTS = {
    "relevance": _("Relevance"),
    "name": _("Name"),
    "price": _("Price, low to high"),
    "-price": _("Price, high to low"),
    "newest": _("Newest"),
}
ORDERINGS = {
    "name": ["name", "pk"],
    "price": ["list_min", "name", "pk"],
    "-price": ["-list_min", "name", "pk"],
    "newest": ["-created_at", "-pk"],
}


def listed_products(currency: str | None = None) -> QuerySet[Product]:
    """Published products that can be listed in `currency` (they have a price in it), with
    the card's columns and the price the listing shows, filters and sorts by (`list_min`,
    `list_max`, `list_currency`). No currency, or the shop's: the catalog's own prices."""
    products = Product.objects.published().only(*CARD_FIELDS)
    if is_shop_currency(currency):
        return products.filter(min_price__isnull=False).annotate(
            list_min=F("min_price"),
            list_max=F("max_price"),
            list_currency=Value(settings.SHOP_CURRENCY),
        )
    ranges = ProductPrice.objects.filter(product=OuterRef("pk"), currency=currency)
    return products.annotate(
        list_min=Subquery(ranges.values("min_price")[:1]),
        list_max=Subquery(ranges.values("max_price")[:1]),
        list_currency=Value(currency),
    ).filter(list_min__isnull=False)


def sold_somewhere() -> QuerySet[Product]:
    """Published products some active market sells: a price in its currency (the catalog's
    own columns for the shop's currency, a ProductPrice row for another). What the sitemap
    lists; a product sold nowhere has no page anyone can buy from."""
    from markets.selectors import active_markets, default_market

    # The default market is always there (made again if a database lost its row).
    currencies = {m.currency for m in active_markets()} | {default_market().currency}
    sold = Q(
        pk__in=ProductPrice.objects.filter(
            currency__in=currencies - {settings.SHOP_CURRENCY}
        ).values("product_id")
    )
    if settings.SHOP_CURRENCY in currencies:
        sold |= Q(min_price__isnull=False)
    return Product.objects.published().filter(sold)


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


def option_type_names() -> dict[str, str]:
    """Each option type's name for shoppers by its code ("colour": "Colour", or "Farbe" on a
    German page), for the filters' headings: the option types (every language's name) cached
    under the catalog version like the category tree, named in the active language here."""
    from django.core.cache import cache as django_cache

    def load() -> list[OptionType]:
        return list(OptionType.objects.all())

    try:
        types = django_cache.get_or_set(cache.key("option_types"), load, timeout=3600)
    except Exception:  # the cache is down: read them
        types = load()
    return {t.code: t.name for t in types}


def option_value_labels() -> dict[str, dict[str, str]]:
    """Each option value's label for shoppers by option type code and value ("colour":
    {"Forest": "Waldgrün"} on a German page), for the filters and their chips: only the
    values with a label are listed (cached under the catalog version in every language, as
    the option types are); any other value reads as itself."""
    from django.core.cache import cache as django_cache

    def load() -> list[OptionValue]:
        labelled = Q()
        for code, _name in settings.LANGUAGES:
            labelled |= Q(**{f"label_{code}__isnull": False}) & ~Q(**{f"label_{code}": ""})
        return list(OptionValue.objects.filter(labelled).select_related("option_type"))

    try:
        values = django_cache.get_or_set(cache.key("option_value_labels"), load, timeout=3600)
    except Exception:  # the cache is down: read them
        values = load()
    labels: dict[str, dict[str, str]] = {}
    for value in values:
        labels.setdefault(value.option_type.code, {})[value.value] = value.shown
    return labels


def navigation_categories() -> list[Category]:
    """Top-level categories for the home page."""
    return category_tree().top_level()


# --- the listing's order ----------------------------------------------------------------------


def ordered(products: QuerySet[Product], sort: str, rank=None) -> QuerySet[Product]:
    if sort == "relevance" and rank is not None:
        return products.annotate(rank=rank).order_by("-rank", "name", "pk")
    return products.order_by(*ORDERINGS.get(sort, ORDERINGS["name"]))


# --- a listing: what a category page, a search page and the API's products show ---------------


@dataclass(frozen=True)
class Listing:
    filters: Filters
    counts: Facets
    sort: str  # the one applied: "relevance" only for a search
    products: QuerySet[Product]  # filtered and ordered, not yet paged
    did_you_mean: list[str]  # on a search that found nothing without a filter


def listing(
    *,
    tree: CategoryTree,
    filters: Filters,
    category: Category | None = None,
    text: str = "",
    sort: str = "",
    currency: str | None = None,
) -> Listing:
    """The listing flow, once for the pages and the API: the scope (a category and what is
    under it, and/or a search), every filter's counts (one query), the sort with its fallback
    (relevance only when searching, else name), and "did you mean" on a miss.

    Queries: the counts (one), "did you mean" only on a miss; the caller pages `products`.
    `currency`: the market's; products without a price in it are not listed, and prices,
    price filters and the price sort are in it."""
    base = listed_products(currency)
    if category is not None:
        base = base.filter(category_id__in=tree.descendant_ids(category.pk))
    rank = None
    if text:
        match, rank = search_filter(text)
        base = base.filter(match)
    counts = facets(base, filters, currency)
    sort = sort or ("relevance" if text else "name")
    if sort == "relevance" and not text:
        sort = "name"
    missed = bool(text) and counts.total == 0 and not filters.active
    return Listing(
        filters=filters,
        counts=counts,
        sort=sort,
        products=ordered(filters.queryset(base), sort, rank),
        did_you_mean=did_you_mean(text, currency) if missed else [],
    )


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
    # The ranking names no column of the outer query: SQLite (3.40, the embedded demo's)
    # answers "no such column" for one in a subquery's ORDER BY. The variant joined by the
    # filter is the outer row's, so its values are compared with it instead.
    photos = (
        ProductImage.objects.filter(product__variants=variant_ref)
        .annotate(
            rank=Case(
                When(option_value__isnull=True, then=Value(1)),
                When(option_value__variantoption__variant=F("product__variants"), then=Value(0)),
                default=Value(2),
            )
        )
        .order_by("rank", "position", "pk")
    )
    return Subquery(photos.values("image")[:1])
