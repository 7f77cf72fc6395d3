"""Search's "did you mean" and the sitemap follow the markets: a suggestion never names a
product the shopper's market does not sell, and the sitemap lists each product some market
sells, once per language with its alternates."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from moneyed import Money

from shop.catalog.listings import refresh_listings
from shop.catalog.search import did_you_mean
from tests.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.markets.conftest import price_in

pytestmark = [pytest.mark.markets, pytest.mark.django_db]


@pytest.fixture
def shelf(eu_market):
    """A mug sold in both markets; a lamp and its lighting category in dollars only."""
    kitchen = CategoryFactory(name_en="Kitchen", name_de="Küche", slug="kitchen")
    lighting = CategoryFactory(name_en="Lighting", name_de="Beleuchtung", slug="lighting")
    mug = ProductFactory(
        name_en="Stoneware Mug", name_de="Steingutbecher", slug="mug", category=kitchen
    )
    price_in(VariantFactory(product=mug, sku="MUG", price=Money("12.00", "USD")), "EUR", "10.90")
    lamp = ProductFactory(
        name_en="Brass Lamp", name_de="Messinglampe", slug="lamp", category=lighting
    )
    VariantFactory(product=lamp, sku="LAMP", price=Money("40.00", "USD"))
    refresh_listings(product_ids=[mug.pk, lamp.pk])
    return mug, lamp


def _choose(client, code):
    client.cookies["django_language"] = "en"  # stay on the page's language
    client.post(reverse("markets:choose"), {"market": code})


@pytest.mark.usefixtures("require_postgres")
def test_did_you_mean_names_only_what_the_market_sells(client, shelf):
    assert "Brass Lamp" in did_you_mean("brass lmp", "USD")
    assert "Brass Lamp" not in did_you_mean("brass lmp", "EUR")
    assert "Stoneware Mug" in did_you_mean("stoneware mg", "EUR")
    # the search page, for a shopper of each market
    assert "Brass Lamp" in client.get("/search/", {"q": "brass lmp"}).context["did_you_mean"]
    _choose(client, "eu")
    europe = client.get("/search/", {"q": "brass lmp"})
    assert europe.context["did_you_mean"] == []


def test_did_you_mean_suggests_no_category_empty_in_the_market(shelf):
    assert "Lighting" in did_you_mean("lightin", "USD")
    assert "Lighting" not in did_you_mean("lightin", "EUR")
    assert "Kitchen" in did_you_mean("kitchn", "EUR")


@pytest.mark.usefixtures("require_postgres")
def test_the_api_did_you_mean_follows_the_market_parameter(client, shelf):
    def suggested(**params):
        answer = client.get("/api/v1/products", {"q": "brass lmp", **params}).json()
        return answer["did_you_mean"]

    assert "Brass Lamp" in suggested()
    assert "Brass Lamp" not in suggested(market="eu")


@pytest.mark.usefixtures("require_postgres")
def test_did_you_mean_speaks_the_pages_language(shelf):
    with translation.override("de"):
        assert "Steingutbecher" in did_you_mean("steingut bchr", "EUR")
        assert "Messinglampe" not in did_you_mean("messing lmp", "EUR")
        assert "Messinglampe" in did_you_mean("messing lmp", "USD")


def _sitemap(client) -> str:
    return client.get("/sitemap.xml").content.decode()


def test_the_sitemap_lists_each_product_in_each_language_with_alternates(client, shelf, settings):
    settings.SHOP_URL = "https://shop.example.com"
    body = _sitemap(client)
    for path in ("/p/mug/", "/de/p/mug/", "/p/lamp/", "/de/p/lamp/"):
        assert f"<loc>https://shop.example.com{path}</loc>" in body
    assert re.search(
        r'hreflang="de" href="https://shop.example.com/de/p/mug/"', body
    ) and re.search(r'hreflang="x-default" href="https://shop.example.com/p/mug/"', body)


def test_the_sitemap_leaves_out_what_no_market_sells(client, shelf, eu_market):
    from markets.models import Market
    from markets.selectors import forget_cached_markets

    bare = ProductFactory(slug="bare")  # no variant: no price anywhere
    hidden = ProductFactory(slug="hidden", is_published=False)
    VariantFactory(product=hidden)
    refresh_listings(product_ids=[bare.pk, hidden.pk])
    body = _sitemap(client)
    assert "/p/mug/" in body and "/p/lamp/" in body
    assert "/p/bare/" not in body and "/p/hidden/" not in body

    # Europe made the default and the dollar market closed: the lamp is sold nowhere.
    eu_market.is_default = True
    eu_market.save()
    Market.objects.filter(code="world").update(is_active=False)
    forget_cached_markets()
    body = _sitemap(client)
    assert "/p/mug/" in body and "/de/p/mug/" in body
    assert "/p/lamp/" not in body
