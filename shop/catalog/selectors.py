"""Read paths for the catalog. Each list runs a fixed number of queries whatever its size."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from shop.catalog.models import UNLIMITED, Category, Product, ProductImage, Variant


def listed_products() -> QuerySet[Product]:
    """Published products with their cheapest price, units available and first image.

    One query for any number of products: the image comes from a subquery, not a prefetch.
    """
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    return (
        Product.objects.published()
        .select_related("category")
        .annotate(
            min_price=Min("variants__price"),
            units_available=Coalesce(
                Max(
                    Case(
                        When(
                            Q(variants__track_stock=False) | Q(variants__allow_backorder=True),
                            then=Value(UNLIMITED),
                        ),
                        default=Greatest(
                            F("variants__stock_on_hand") - F("variants__stock_reserved"), 0
                        ),
                        output_field=IntegerField(),
                    )
                ),
                Value(0),
                output_field=IntegerField(),
            ),
            image_path=Subquery(first_image.values("image")[:1]),
            image_alt=Subquery(first_image.values("alt_text")[:1]),
        )
        .filter(min_price__isnull=False)
    )


def navigation_categories() -> list[Category]:
    """Top-level categories for the header, one query."""
    return list(Category.objects.filter(parent__isnull=True).only("name", "slug"))


def category_with_descendant_ids(slug: str) -> tuple[Category, list[int]] | None:
    """The category and the ids of it and every descendant, from one query over categories."""
    categories = list(Category.objects.only("pk", "slug", "name", "parent_id", "description"))
    by_slug = {c.slug: c for c in categories}
    category = by_slug.get(slug)
    if category is None:
        return None
    children: dict[int | None, list[int]] = {}
    for c in categories:
        children.setdefault(c.parent_id, []).append(c.pk)
    ids, stack = [], [category.pk]
    while stack:
        current = stack.pop()
        ids.append(current)
        stack.extend(children.get(current, []))
    return category, ids


def products_in_categories(category_ids: list[int]) -> QuerySet[Product]:
    return listed_products().filter(category_id__in=category_ids).order_by("name")


def search_products(query: str) -> QuerySet[Product]:
    """Postgres full-text search on Postgres, a plain `icontains` match elsewhere."""
    query = query.strip()[:200]
    products = listed_products()
    if not query:
        return products.none()
    if connection.vendor == "postgresql":
        vector = SearchVector("name", weight="A") + SearchVector("description", weight="B")
        search = SearchQuery(query, search_type="websearch")
        return (
            products.annotate(rank=SearchRank(vector, search))
            .filter(Q(rank__gt=0) | Q(name__icontains=query) | Q(variants__sku__iexact=query))
            .order_by("-rank", "name")
        )
    return products.filter(
        Q(name__icontains=query) | Q(description__icontains=query) | Q(variants__sku__iexact=query)
    ).order_by("name")


def product_for_page(slug: str) -> Product | None:
    """A published product with its variants and images (three queries)."""
    return (
        Product.objects.published()
        .select_related("category")
        .prefetch_related("images", "variants")
        .filter(slug=slug)
        .first()
    )


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
