"""Search that forgives: stemming, typos, words being typed, the web-search syntax, SKUs, a
result count, "did you mean" on a miss. The same cases on PostgreSQL (its full-text search and
pg_trgm) and on SQLite (FTS5, the embedded shop of `make run`): they run on the database
DATABASE_URL gives, and CI, which gives PostgreSQL, runs them on SQLite too (the last test)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from moneyed import Money

from shop.catalog import selectors
from shop.catalog.models import Product
from tests.factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_floor(db):
    kitchen = CategoryFactory(name="Home & Kitchen", slug="kitchen")
    clothing = CategoryFactory(name="Clothing", slug="clothing")
    for name, category, options, sku in [
        ("Stoneware Mug", kitchen, {"colour": "Sand"}, "MUG-1"),
        ("Fleece Hoodie", clothing, {"size": "M", "colour": "Forest"}, "HOOD-1"),
        ("Linen Shirt", clothing, {"size": "L", "colour": "Sand"}, "SHIRT-1"),
        ("Linen Tea Towels", kitchen, {"colour": "Sand"}, "TOWEL-1"),
        ("Wool Throw Blanket", kitchen, {"colour": "Charcoal"}, "THROW-1"),
        ("Merino Crew Sweater", clothing, {"size": "S", "colour": "Charcoal"}, "SWEAT-1"),
    ]:
        product = ProductFactory(name=name, category=category, slug=name.lower().replace(" ", "-"))
        VariantFactory(product=product, options=options, sku=sku)


def _found(query: str) -> list[str]:
    match, rank = selectors.search_filter(query)
    products = selectors.ordered(selectors.listed_products().filter(match), "relevance", rank)
    return [p.name for p in products]


@pytest.mark.sqlite  # also in `make test-sqlite`: the demo searches on SQLite
@pytest.mark.parametrize(
    "query, expected",
    [
        ("mugs", ["Stoneware Mug"]),  # stemming
        ("towel", ["Linen Tea Towels"]),  # stemming, the other way
        ("linen shirt", ["Linen Shirt"]),  # every word
        ("hoody", ["Fleece Hoodie"]),  # a typo
        ("stonware", ["Stoneware Mug"]),  # a typo
        ("sweter", ["Merino Crew Sweater"]),  # a typo
        ("shirt linen", ["Linen Shirt"]),  # any order
        ("hoo", ["Fleece Hoodie"]),  # a word being typed
        ('"tea towels"', ["Linen Tea Towels"]),  # a phrase
        ("linen -shirt", ["Linen Tea Towels"]),  # a word left out
        ("mug or blanket", ["Stoneware Mug", "Wool Throw Blanket"]),  # either word
        ("clothing", ["Fleece Hoodie", "Linen Shirt", "Merino Crew Sweater"]),  # categories
        ("charcoal", ["Merino Crew Sweater", "Wool Throw Blanket"]),  # option values
        ("hood-1", ["Fleece Hoodie"]),  # a SKU, any case
    ],
)
def test_search_forgives_on_either_database(shop_floor, query, expected):
    assert sorted(_found(query)) == sorted(expected)


def test_the_name_ranks_above_the_category_and_the_rest(require_postgres, shop_floor):
    product = ProductFactory(
        name="Kitchen Apron",
        slug="apron",
        category_id=None or CategoryFactory(name="Aprons", slug="aprons").pk,
        description="Not for the clothing rail.",
    )
    VariantFactory(product=product)

    assert _found("kitchen")[0] == "Kitchen Apron"  # its name, above the category's products


@pytest.mark.sqlite  # also in `make test-sqlite`: the demo searches on SQLite
def test_a_miss_offers_did_you_mean(client, shop_floor):
    body = client.get(reverse("catalog:search"), {"q": "wool blnkt"}).content.decode()

    assert "No products match" in body and "Did you mean" in body
    assert "Wool Throw Blanket" in body


def test_search_runs_at_most_three_queries_whatever_the_page_size(
    require_postgres, client, settings, shop_floor
):
    for size in (2, 60):
        settings.PRODUCTS_PER_PAGE = size
        # The category tree and the running sales (promotions/sale.py), read once per catalog
        # version, then cached.
        client.get(reverse("catalog:search"), {"q": "linen"})
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("catalog:search"), {"q": "linen", "sort": "price"})
        assert response.status_code == 200
        assert "2 products" in response.content.decode()
        assert len(captured) <= 3, [q["sql"][:80] for q in captured]


def test_suggestions_while_typing(require_postgres, client, shop_floor):
    response = client.get(reverse("catalog:suggest"), {"q": "line"})

    names = [s["name"] for s in response.json()["suggestions"]]
    assert sorted(names) == ["Linen Shirt", "Linen Tea Towels"]
    assert response.json()["suggestions"][0]["url"].startswith("/p/")
    assert client.get(reverse("catalog:suggest"), {"q": "x"}).json() == {"suggestions": []}


def test_suggestions_carry_the_price_and_a_small_photo(require_postgres, client, shop_floor):
    from shop.catalog.listings import refresh_listings
    from tests.factories import ProductImageFactory

    shirt = Product.objects.get(slug="linen-shirt")
    ProductImageFactory(product=shirt)
    refresh_listings(product_ids=[shirt.pk])

    found = {
        s["name"]: s
        for s in client.get(reverse("catalog:suggest"), {"q": "line"}).json()["suggestions"]
    }

    assert found["Linen Shirt"]["price"] == "$10.00"
    # The smallest rendition, not the upload.
    assert found["Linen Shirt"]["image"] == shirt.images.get().webp_320.url
    assert found["Linen Tea Towels"]["image"] == ""  # no photo yet


@pytest.mark.sqlite  # also in `make test-sqlite`: the demo searches on SQLite
def test_the_search_document_follows_a_rename_in_the_same_transaction(shop_floor):
    from shop.catalog.listings import refresh_listings
    from shop.catalog.models import Product

    mug = Product.objects.get(slug="stoneware-mug")
    mug.name = "Porcelain Cup"
    mug.save()
    refresh_listings(product_ids=[mug.pk])

    assert _found("porcelain") == ["Porcelain Cup"]
    assert _found("stoneware") == []
    assert Money(Decimal("10.00"), "USD") == Product.objects.get(pk=mug.pk).price_from
