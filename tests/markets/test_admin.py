"""The merchant sets prices per currency in the admin; an exchange rate only suggests them,
on a page the merchant reviews before anything is saved."""

from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from moneyed import Money

from markets.models import Market
from markets.pricing import suggest_price
from orders.models import ShippingMethodPrice
from shop.catalog.models import ProductPrice, VariantPrice
from tests.factories import UserFactory, VariantFactory

pytestmark = [pytest.mark.markets, pytest.mark.django_db]


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "amount, rate, currency, expected",
    [
        ("10.00", "0.92", "EUR", "9.90"),
        ("10.00", "1", "EUR", "10.90"),
        ("24.95", "1", "EUR", "25.90"),
        ("9.90", "1", "EUR", "9.90"),
        ("12.34", "100", "JPY", "1240"),
        ("0", "0.9", "EUR", "0.00"),
    ],
)
def test_the_suggestion_rounds_up_to_a_merchants_ending(amount, rate, currency, expected):
    assert suggest_price(Decimal(amount), Decimal(rate), currency) == Decimal(expected)


def test_suggested_prices_are_saved_only_after_review(merchant, eu_market):
    eu_market.exchange_rate = Decimal("0.92")
    eu_market.save()
    mug = VariantFactory(product__name="Mug", price=Money("20", "USD"))
    cup = VariantFactory(product__name="Cup", price=Money("10", "USD"))
    url = reverse("admin:catalog_variant_changelist")

    review = merchant.post(
        url, {"action": "suggest_prices", ACTION_CHECKBOX_NAME: [mug.pk, cup.pk]}
    )

    assert review.status_code == 200
    body = review.content.decode()
    assert "Review suggested prices" in body and "18.90" in body and "9.90" in body
    assert not VariantPrice.objects.exists()  # nothing yet: a suggestion only

    form = {
        "action": "suggest_prices",
        ACTION_CHECKBOX_NAME: [mug.pk, cup.pk],
        "save_suggested": "1",
        "price-TOTAL_FORMS": "2",
        "price-INITIAL_FORMS": "2",
        "price-0-variant": mug.pk,
        "price-0-currency": "EUR",
        "price-0-amount": "17.50",  # the merchant's own choice
        "price-1-variant": cup.pk,
        "price-1-currency": "EUR",
        "price-1-amount": "",  # left unsold in Europe
    }
    saved = merchant.post(url, form)

    assert saved.status_code == 302
    assert list(VariantPrice.objects.values_list("variant_id", "currency", "amount")) == [
        (mug.pk, "EUR", Decimal("17.500"))
    ]
    assert ProductPrice.objects.get(product=mug.product).min_price == Decimal("17.5")


def test_without_an_exchange_rate_nothing_is_suggested(merchant, eu_market):
    mug = VariantFactory()
    response = merchant.post(
        reverse("admin:catalog_variant_changelist"),
        {"action": "suggest_prices", ACTION_CHECKBOX_NAME: [mug.pk]},
        follow=True,
    )
    assert "Nothing to suggest" in response.content.decode()
    assert not VariantPrice.objects.exists()


def test_the_variant_page_edits_its_prices_per_currency_inline(merchant, eu_market):
    mug = VariantFactory(price=Money("20", "USD"))
    url = reverse("admin:catalog_variant_change", args=[mug.pk])
    page = merchant.get(url)
    assert page.status_code == 200 and 'value="EUR"' in page.content.decode()

    data = {
        "product": mug.product_id,
        "sku": mug.sku,
        "price_0": "20.00",
        "price_1": "USD",
        "price": "20.00",
        "stock_on_hand": "10",
        "track_stock": "on",
        "position": "0",
        "prices-TOTAL_FORMS": "1",
        "prices-INITIAL_FORMS": "0",
        "prices-0-currency": "EUR",
        "prices-0-amount": "18.90",
    }
    response = merchant.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert VariantPrice.objects.get(variant=mug).amount == Decimal("18.90")
    assert ProductPrice.objects.get(product=mug.product).min_price == Decimal("18.90")


def test_the_market_admin_lists_and_edits_markets(merchant, eu_market):
    assert merchant.get(reverse("admin:markets_market_changelist")).status_code == 200
    url = reverse("admin:markets_market_change", args=[eu_market.pk])
    assert merchant.get(url).status_code == 200
    response = merchant.post(
        url,
        {
            "name": "Europe",
            "code": "eu",
            "currency": "EUR",
            "countries": "de, at, fr, it",
            "language": "de",
            "prices_include_tax": "on",
            "exchange_rate": "0.92",
            "is_active": "on",
            "position": "1",
        },
    )
    assert response.status_code == 302
    eu_market.refresh_from_db()
    assert eu_market.countries == ["AT", "DE", "FR", "IT"]


def test_the_default_market_cannot_be_deleted_from_the_admin(merchant):
    default = Market.objects.get(is_default=True)
    url = reverse("admin:markets_market_delete", args=[default.pk])
    assert merchant.post(url, {"post": "yes"}).status_code == 403
    assert Market.objects.filter(pk=default.pk).exists()


def test_a_shipping_method_takes_its_price_per_currency_inline(
    merchant, eu_market, shipping_method
):
    url = reverse("admin:orders_shippingmethod_change", args=[shipping_method.pk])
    page = merchant.get(url)
    assert page.status_code == 200 and "currency_prices-TOTAL_FORMS" in page.content.decode()
    assert ShippingMethodPrice.objects.count() == 0
