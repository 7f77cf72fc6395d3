"""Category and search pages: filters with counts, sort, all in the URL; product cards read
columns kept on the product, so listings never aggregate at request time."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Order
from shop.catalog.models import Product
from tests.conftest import make_cart, place
from tests.factories import CategoryFactory, ProductFactory, VariantFactory

# Also on SQLite, the database of `make run` (`make test-sqlite`).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def clothing(db):
    clothing = CategoryFactory(name="Clothing", slug="clothing")
    tops = CategoryFactory(name="Tops", slug="tops", parent=clothing)
    coats = CategoryFactory(name="Coats", slug="coats", parent=clothing)
    for name, category, price, variants in [
        ("Tee", tops, "20.00", [("S", "Forest", 5), ("M", "Sand", 0)]),
        ("Shirt", tops, "60.00", [("M", "Sand", 2)]),
        ("Parka", coats, "150.00", [("L", "Forest", 0)]),
        ("Rain Shell", coats, "120.00", [("M", "Forest", 3), ("L", "Sand", 3)]),
    ]:
        product = ProductFactory(name=name, slug=name.lower().replace(" ", "-"), category=category)
        for size, colour, stock in variants:
            VariantFactory(
                product=product,
                options={"size": size, "colour": colour},
                price=(price, "USD"),
                stock_on_hand=stock,
            )
    return clothing


def _names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def _get(client, **params):
    return client.get(reverse("catalog:category", args=["clothing"]), params)


def test_filters_narrow_the_page_and_each_value_counts_what_it_would_show(client, clothing):
    everything = _get(client)
    forest = _get(client, o="colour:Forest")
    forest_in_stock = _get(client, o="colour:Forest", in_stock="1")
    either_colour = _get(client, o=["colour:Forest", "colour:Sand"])
    medium_forest = _get(client, o=["colour:Forest", "size:M"])

    assert _names(everything) == ["Parka", "Rain Shell", "Shirt", "Tee"]
    assert "4 products" in everything.content.decode()
    assert _names(forest) == ["Parka", "Rain Shell", "Tee"]
    assert _names(forest_in_stock) == ["Rain Shell", "Tee"]
    assert _names(either_colour) == ["Parka", "Rain Shell", "Shirt", "Tee"]
    # Filters are per product: the tee comes in M (sand) and in forest (S).
    assert _names(medium_forest) == ["Rain Shell", "Tee"]
    facets = forest.context["facets"]
    # A colour's own count ignores the colour chosen; other filters count within it.
    assert facets.options["colour"] == {"Forest": 3, "Sand": 3}
    assert facets.options["size"] == {"S": 1, "M": 2, "L": 2}
    assert facets.in_stock == 2 and facets.total == 3


def test_price_bands_sub_categories_and_sort(client, clothing):
    cheap = _get(client, price="0-25")
    coats = _get(client, cat="coats", sort="-price")
    by_price = _get(client, sort="price")
    newest = _get(client, sort="newest")

    assert _names(cheap) == ["Tee"]
    assert _names(coats) == ["Parka", "Rain Shell"]
    assert _names(by_price) == ["Tee", "Shirt", "Rain Shell", "Parka"]
    assert _names(newest) == ["Rain Shell", "Parka", "Shirt", "Tee"]
    body = _get(client).content.decode()
    assert "Under $25" in body and "$100 to $200" in body
    subs = {c["name"]: c["count"] for c in _get(client).context["filter_categories"]}
    assert subs == {"Tops": 2, "Coats": 2}


@pytest.mark.parametrize(
    "params",
    [
        {"price": "x-y"},
        {"price_min": "-5"},
        {"price_min": "50", "price_max": "10"},
        {"o": "no-colon"},
        {"sort": "random()"},
        {"cat": "../../etc"},
        {"in_stock": "\u202e"},
        {"page": "99999999999999999999"},
    ],
)
def test_bad_filter_values_are_reported_and_ignored(client, clothing, params):
    response = _get(client, **params)

    assert response.status_code == 200
    assert len(_names(response)) >= 1


def test_the_url_carries_the_filters_into_the_next_page(client, clothing, settings):
    settings.PRODUCTS_PER_PAGE = 1
    response = _get(client, o="colour:Forest", sort="price")

    body = response.content.decode()
    assert "o=colour%3AForest" in body and "sort=price" in body and "page=2" in body


def test_cards_say_from_only_when_prices_differ(client, clothing):
    product = Product.objects.get(slug="tee")
    VariantFactory(
        product=product, options={"size": "XL", "colour": "Sand"}, price=("25.00", "USD")
    )

    body = _get(client).content.decode()

    assert "from $20.00" in body  # the tee now has two prices
    assert "from $60.00" not in body and "$60.00" in body


def test_new_in_leaves_out_what_cannot_be_bought(client, clothing):
    body = client.get(reverse("catalog:home")).content.decode()

    assert "Parka" not in body  # sold out
    assert "Rain Shell" in body


def test_listing_columns_follow_stock_in_the_same_transaction(client, clothing, shipping_method):
    shell = Product.objects.get(slug="rain-shell")
    variants = list(shell.variants.all())

    order = place(make_cart((variants[0], 3), (variants[1], 3)), shipping_method)
    shell.refresh_from_db()
    assert shell.units_available == 0
    assert "Rain Shell" not in _names(_get(client, in_stock="1"))

    from datetime import timedelta

    from django.utils import timezone

    from orders.services.lifecycle import expire_if_overdue

    Order.objects.filter(pk=order.pk).update(reservation_expires_at=timezone.now() - timedelta(1))
    expire_if_overdue(order_id=order.pk)
    shell.refresh_from_db()
    assert shell.units_available == 3


@pytest.mark.parametrize("size", [2, 40])
def test_category_pages_run_two_queries_whatever_their_size(client, clothing, settings, size):
    settings.PRODUCTS_PER_PAGE = size
    for i in range(size):
        VariantFactory(product__category=clothing, product__name=f"Sock {i}")

    _get(client)  # the category tree is read once per catalog version, then cached
    with CaptureQueriesContext(connection) as captured:
        response = _get(client, o="colour:Forest", in_stock="1", sort="price")

    assert response.status_code == 200
    # The count with every filter's counts, and the page; the category tree is cached.
    assert len(captured) == 2, [q["sql"][:90] for q in captured]


def test_the_filters_that_are_on_are_chips_each_link_removing_only_its_own(client, clothing):
    response = _get(client, o=["colour:Forest", "size:M"], in_stock="1", sort="price")
    chips = response.context["applied_filters"]
    html = response.content.decode()

    assert [chip["label"] for chip in chips] == ["In stock only", "Colour: Forest", "Size: M"]
    assert "Filters (3)" in html
    assert 'aria-label="Remove filter: Colour: Forest"' in html
    # Following a chip's link (no JavaScript needed) leaves the other filters and the sort on.
    after = _get_url(client, chips[1]["url"])
    assert [chip["label"] for chip in after.context["applied_filters"]] == [
        "In stock only",
        "Size: M",
    ]
    assert after.context["sort"] == "price"
    assert _names(after) == ["Tee", "Shirt", "Rain Shell"]  # M and in stock, by price
    assert 'href="#results"' in html and 'id="results"' in html  # Skip to results


def _get_url(client, query: str):
    return client.get(reverse("catalog:category", args=["clothing"]) + query)


def test_a_filtered_colour_carries_to_the_cards_photo_and_link(client, clothing):
    from shop.catalog.listings import refresh_listings
    from shop.catalog.models import OptionValue
    from tests.factories import ProductImageFactory

    tee = Product.objects.get(slug="tee")
    forest = OptionValue.objects.get(option_type__code="colour", value="Forest")
    sand = OptionValue.objects.get(option_type__code="colour", value="Sand")
    ProductImageFactory(product=tee, option_value=sand, position=0)
    ProductImageFactory(product=tee, option_value=forest, position=1)
    refresh_listings(product_ids=[tee.pk])
    forest_sku = tee.variants.get(options__colour="Forest").sku

    unfiltered = _get(client).content.decode()
    filtered = _get(client, o="colour:Forest").content.decode()

    assert 'href="/p/tee/"' in unfiltered and "tee-0" in unfiltered  # the first photo
    assert f'href="/p/tee/?variant={forest_sku}"' in filtered
    card = filtered.split('href="/p/tee/')[1].split("</li>")[0]
    assert "tee-1" in card and "tee-0" not in card  # the Forest photo


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"price_min": Decimal("50")},
        {"price_max": Decimal("100")},
        {"in_stock": True},
        {"options": {"colour": ["Forest"]}},
        {"options": {"colour": ["Forest", "Sand"], "size": ["M"]}, "in_stock": True},
        {"category_ids": []},
    ],
)
def test_each_filter_gives_the_same_products_to_the_page_and_to_its_counts(clothing, filters):
    """A filter is defined once (shop/catalog/facets.py) and rendered as the page's ORM query
    and as the counts' SQL: both find the same products."""
    from shop.catalog import selectors
    from shop.catalog.facets import Filters, facets

    chosen = Filters(**filters)
    base = selectors.listed_products()

    assert facets(base, chosen).total == chosen.queryset(base).count()
