"""Categories, products and search: the pages' selectors, serialised. A list is two queries
whatever its size (the count with every filter's counts, then the page), the categories none
when cached, a product six."""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import QueryDict
from ninja import Field as In
from ninja import Query, Router, Schema

from shop.api.errors import COMMON, ApiError, not_found
from shop.api.schemas import MoneyOut, money_or_none, page_of
from shop.catalog import images as images_module
from shop.catalog import prices, selectors
from shop.catalog.forms import ListingForm
from shop.catalog.models import UNLIMITED, Variant
from shop.catalog.pages import market_currency
from shop.catalog.schemas import CategoryOut, ProductOut, ProductPageOut
from shop.catalog.selectors import price_bands

router = Router(tags=["catalog"])


def _category(category) -> dict:
    return {
        "id": category.pk,
        "slug": category.slug,
        "name": category.name,
        "description": category.description,
        "parent_id": category.parent_id,
    }


@router.get(
    "/categories",
    response={200: list[CategoryOut], **COMMON},
    summary="Categories",
    operation_id="categories",
)
def categories(request):
    """Every category, parents before their children, in the shop's order."""
    tree = selectors.category_tree()
    ordered: list[dict] = []
    stack = list(reversed(tree.children.get(None, [])))
    while stack and len(ordered) < len(tree.categories):  # depth first, in display order
        category = tree.categories[stack.pop()]
        ordered.append(_category(category))
        stack.extend(reversed(tree.children.get(category.pk, [])))
    return ordered


class ProductQuery(Schema):
    q: str = In("", max_length=200, description="Search words; typos are forgiven.")
    category: str = In("", max_length=140, description="A category's slug, with its children.")
    sort: str = In(
        "",
        description="relevance (with q), name, price, -price or newest. Default: relevance "
        "when searching, else name.",
    )
    price_min: str = In("", max_length=16)
    price_max: str = In("", max_length=16)
    in_stock: bool = False
    o: list[str] = In(
        [], max_length=20, description='Option values, "type:value" (e.g. colour:Sand).'
    )
    page: int = In(1, ge=1, le=10**6)
    page_size: int = In(
        settings.PRODUCTS_PER_PAGE,
        ge=1,
        le=settings.API_MAX_PAGE_SIZE,
        description=f"At most {settings.API_MAX_PAGE_SIZE}.",
    )


def _card(product) -> dict:
    picture = images_module.product_card_picture(product)
    return {
        "slug": product.slug,
        "name": product.name,
        "price_from": money_or_none(product.price_from),
        "price_to": money_or_none(product.price_to),
        "in_stock": product.units_available > 0,
        "image": picture.src if picture else None,
        "variant_id": product.first_variant_id,
    }


@router.get(
    "/products",
    response={200: ProductPageOut, **COMMON},
    summary="Products: browse, filter and search",
    operation_id="products",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "GetProduct": {
                        "operationId": "product",
                        "parameters": {"slug": "$response.body#/items/0/slug"},
                    },
                    "QuickAdd": {
                        "operationId": "create_cart",
                        "requestBody": {
                            "lines": [{"variant_id": "$response.body#/items/0/variant_id"}]
                        },
                        "x-schemathesis": {"merge_body": False},
                    },
                }
            }
        }
    },
)
def products(request, query: Query[ProductQuery]):
    """Published products, filtered and sorted as the category and search pages are (the same
    filters, counts and typo-forgiving search), one page at a time."""
    data = QueryDict(mutable=True)
    for name in ("q", "sort", "price_min", "price_max"):
        if getattr(query, name):
            data[name] = getattr(query, name)
    if query.in_stock:
        data["in_stock"] = "on"
    data.setlist("o", query.o)
    form = ListingForm(data)
    if not form.is_valid():
        raise ApiError.from_form(form)
    tree = selectors.category_tree()
    category = None
    if query.category:
        category = tree.by_slug(query.category)
        if category is None:
            raise ApiError(422, "unknown_category", "There is no such category.", "category")
    found = selectors.listing(
        tree=tree,
        filters=form.filters(),
        category=category,
        text=form.value("q", ""),
        sort=form.value("sort") or "",
        currency=market_currency(request),
    )
    first = Variant.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    if not prices.is_shop_currency(market_currency(request)):  # the first one sold there
        first = first.filter(prices__currency=market_currency(request))
    ordered = found.products.annotate(first_variant_id=Subquery(first.values("pk")[:1]))
    counts = found.counts
    return {
        **page_of(
            ordered, count=counts.total, page=query.page, page_size=query.page_size, item=_card
        ),
        "facets": {
            "total": counts.total,
            "in_stock": counts.in_stock,
            "prices": {
                f"{low}-{'' if high is None else high}": counts.price_bands.get(i, 0)
                for i, (low, high) in enumerate(price_bands(market_currency(request)))
            },
            "categories": {str(k): v for k, v in counts.categories.items()},
            "options": counts.options,
            "option_labels": _labels_of(counts.options),
        },
        "did_you_mean": found.did_you_mean,
    }


def _labels_of(options: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
    """The labels of the values counted (cached with the catalog version: no query)."""
    labels = selectors.option_value_labels()
    return {
        code: {v: labels[code][v] for v in values if v in labels.get(code, {})}
        for code, values in options.items()
        if any(v in labels.get(code, {}) for v in values)
    }


def _image(image, product) -> dict:
    picture = images_module.picture(image, alt=image.alt_text or product.name)
    return {
        "url": image.image.url,
        "src": picture.src,
        "srcset_webp": picture.webp,
        "srcset_jpeg": picture.jpeg,
        "width": picture.width,
        "height": picture.height,
        "alt": picture.alt,
        "option_value_id": image.option_value_id,
    }


def _variant(variant, values: dict[str, int]) -> dict:
    return {
        "id": variant.pk,
        "sku": variant.sku,
        "label": variant.label,
        "price": MoneyOut.of(variant.price),
        "available": None if variant.available == UNLIMITED else variant.available,
        "in_stock": variant.available > 0,
        "on_backorder": variant.on_backorder,
        "options": values,
    }


@router.get(
    "/products/{slug}",
    response={200: ProductOut, **COMMON},
    summary="A product",
    operation_id="product",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "CreateCart": {
                        "operationId": "create_cart",
                        "requestBody": {
                            "lines": [
                                {"variant_id": "$response.body#/variants/0/id", "quantity": 1}
                            ]
                        },
                    }
                }
            }
        }
    },
)
def product(request, slug: str):
    """A published product with its options, variants (price, what can be bought now) and
    images."""
    found = selectors.product_for_page(slug[:220])
    if found is None:
        raise not_found("That product")
    # In the market's currency; a product with no price in it is not sold there: not found.
    currency = market_currency(request)
    variants = prices.shown_in(list(found.variants.all()), currency)
    if not variants:
        raise not_found("That product")
    option_types = list(found.option_types.all())
    links = selectors.option_links(found.pk) if option_types else []
    codes = {t.pk: t.code for t in option_types}
    values_of: dict[int, dict[str, int]] = {v.pk: {} for v in variants}
    used: dict[int, dict[int, object]] = {t.pk: {} for t in option_types}
    for variant_id, type_id, value in links:
        if type_id in codes and variant_id in values_of:
            values_of[variant_id][codes[type_id]] = value.pk
            used[type_id][value.pk] = value
    return {
        "slug": found.slug,
        "name": found.name,
        "description": found.description,
        "category": _category(found.category),
        "price_from": MoneyOut.of(min(v.price for v in variants)),
        "price_to": MoneyOut.of(max(v.price for v in variants)),
        "options": [
            {
                "code": t.code,
                "name": t.name,
                "values": [
                    {"id": v.pk, "value": v.value, "label": v.shown, "swatch": v.swatch}
                    for v in sorted(used[t.pk].values(), key=lambda v: (v.position, v.pk))
                ],
            }
            for t in option_types
        ],
        "variants": [_variant(v, values_of[v.pk]) for v in variants],
        "images": [_image(i, found) for i in found.images.all()],
    }
