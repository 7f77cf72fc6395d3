from decimal import Decimal

import pytest

from markets.models import Market
from markets.selectors import ensure_default_market
from orders.models import ShippingMethodPrice
from shop.catalog import services as catalog_services


@pytest.fixture(autouse=True)
def default_market_row(request):
    """The default market as the data migration makes it: a transactional test run before
    (a browser test) flushes every table, the migration's rows included."""
    if request.node.get_closest_marker("django_db") or "db" in request.fixturenames:
        request.getfixturevalue("db")
        ensure_default_market()


@pytest.fixture
def eu_market(db):
    return Market.objects.create(
        name="Europe",
        code="eu",
        currency="EUR",
        countries=["AT", "DE", "FR", "NL"],
        language="de",
        prices_include_tax=True,
        position=1,
    )


@pytest.fixture
def jp_market(db):
    return Market.objects.create(
        name="Japan", code="jp", currency="JPY", countries=["JP"], language="ja", position=2
    )


def price_in(variant, currency: str, amount: str):
    catalog_services.set_prices(variant_id=variant.pk, prices={currency: Decimal(amount)})
    variant.refresh_from_db()
    return variant


def ship_in(method, currency: str, price: str, free_over: str | None = None, country: str = ""):
    ShippingMethodPrice.objects.update_or_create(
        method=method,
        currency=currency,
        country=country,
        defaults={"price": Decimal(price), "free_over": free_over and Decimal(free_over)},
    )
    return method


EU_ADDRESS = {
    "name": "Grete Berger",
    "line1": "Hauptstraße 1",
    "line2": "",
    "city": "Wien",
    "postcode": "1010",
    "region": "",
    "country": "AT",
    "phone": "",
}
