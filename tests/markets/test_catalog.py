"""The catalog in a market: only what is priced in its currency is shown, at that price,
filtered and sorted by it; cached pages are kept apart per market."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from moneyed import Money

from shop.catalog import selectors
from tests.factories import CategoryFactory, ProductFactory, VariantFactory
from tests.markets.conftest import price_in

pytestmark = [pytest.mark.markets, pytest.mark.django_db]


@pytest.fixture
def shelf(eu_market):
    lights = CategoryFactory(name="Lights", slug="lights")
    lamp = VariantFactory(
        product=ProductFactory(name="Brass Lamp", slug="brass-lamp", category=lights),
        price=Money("40", "USD"),
    )
    price_in(lamp, "EUR", "44.90")
    candle = VariantFactory(
        product=ProductFactory(name="Beeswax Candle", slug="beeswax-candle", category=lights),
        price=Money("12", "USD"),
    )
    price_in(candle, "EUR", "9.90")
    bulb = VariantFactory(  # sold only in dollars
        product=ProductFactory(name="Edison Bulb", slug="edison-bulb", category=lights),
        price=Money("8", "USD"),
    )
    return {"lamp": lamp, "candle": candle, "bulb": bulb}


def _europe() -> Client:
    client = Client()
    client.post(reverse("markets:choose"), {"market": "eu"})
    return client


def test_a_listing_shows_only_what_is_sold_in_the_market_at_its_price(shelf):
    body = _europe().get(reverse("catalog:category", args=["lights"])).content.decode()

    assert "Brass Lamp" in body and "€44.90" in body and "Beeswax Candle" in body
    assert "Edison Bulb" not in body and "$40.00" not in body
    usd = Client().get(reverse("catalog:category", args=["lights"])).content.decode()
    assert "Edison Bulb" in usd and "$40.00" in usd and "€" not in usd


def test_the_price_sort_and_filter_use_the_markets_prices(shelf):
    url = reverse("catalog:category", args=["lights"])
    europe = _europe()
    cheap_first = europe.get(url + "?sort=price").content.decode()
    assert cheap_first.index("Beeswax Candle") < cheap_first.index("Brass Lamp")
    # €44.90 is in the 25–50 band; in dollars the lamp (40) would be too, the candle (12)
    # not: the filter reads the euro prices.
    banded = europe.get(url + "?price_min=0&price_max=25").content.decode()
    assert "Beeswax Candle" in banded and "Brass Lamp" not in banded


def test_listing_selector_in_a_currency(shelf):
    tree = selectors.category_tree()
    found = selectors.listing(
        tree=tree, filters=selectors.Filters(), category=tree.by_slug("lights"), currency="EUR"
    )
    products = list(found.products)
    assert {p.name for p in products} == {"Brass Lamp", "Beeswax Candle"}
    assert found.counts.total == 2
    assert {p.price_from for p in products} == {Money("44.90", "EUR"), Money("9.90", "EUR")}


def test_a_product_not_sold_in_the_market_is_not_found_there(shelf):
    europe = _europe()
    assert europe.get(reverse("catalog:product", args=["edison-bulb"])).status_code == 404
    page = europe.get(reverse("catalog:product", args=["brass-lamp"]))
    assert page.status_code == 200 and "€44.90" in page.content.decode()
    assert '"priceCurrency": "EUR"' in page.content.decode()


def test_search_and_suggestions_follow_the_market(shelf):
    europe = _europe()
    found = europe.get(reverse("catalog:search") + "?q=bulb").content.decode()
    assert "Edison Bulb" not in found.split("<main", 1)[1]
    suggested = europe.get(reverse("catalog:suggest") + "?q=lamp").json()["suggestions"]
    assert [s["price"] for s in suggested] == ["€44.90"]


def test_the_home_page_follows_the_market(shelf):
    body = _europe().get(reverse("catalog:home")).content.decode()
    assert "€9.90" in body and "Edison Bulb" not in body


@pytest.fixture
def cached(settings):
    settings.CATALOG_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.mark.parametrize(
    "url",
    [
        reverse("catalog:home"),
        reverse("catalog:category", args=["lights"]),
        reverse("catalog:search") + "?q=lamp",
        reverse("catalog:product", args=["brass-lamp"]),
    ],
)
def test_a_euro_shopper_never_gets_a_dollar_page_from_the_cache(cached, shelf, url):
    first = Client().get(url).content.decode()  # cached for anonymous dollar shoppers
    assert "$40.00" in first or "$12.00" in first

    by_browser = Client().get(url, HTTP_ACCEPT_LANGUAGE="de-AT")  # a stranger guessed EUR
    by_choice = _europe().get(url)
    again_usd = Client().get(url).content.decode()

    for response in (by_browser, by_choice):
        body = response.content.decode()
        assert "$" not in body.split("<main", 1)[1], url
        assert "€" in body
        assert "Accept-Language" in response["Vary"]
    assert "€" not in again_usd.split("<main", 1)[1]
