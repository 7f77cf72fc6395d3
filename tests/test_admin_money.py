"""Money in the admin: one amount in the shop's currency, with that currency's decimals."""

from decimal import Decimal

import pytest
from django.urls import reverse
from moneyed import Money

from orders.models import ShippingMethod
from shop.admin_money import AmountField
from tests.factories import ShippingMethodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))


def test_a_price_shows_its_currencys_decimals_and_no_currency_to_choose(client, merchant):
    method = ShippingMethodFactory(name="Standard", price=Money("5", "USD"))
    url = reverse("admin:orders_shippingmethod_change", args=[method.pk])

    page = client.get(url).content.decode()

    assert 'name="price" value="5.00"' in page and "Price (USD)" in page
    assert 'name="price_1"' not in page and "price_0" not in page


def test_saving_a_price_stores_the_amount_in_the_shop_currency(client, merchant):
    client.post(
        reverse("admin:orders_shippingmethod_add"),
        {
            "name_en": "Express",
            "description_en": "",
            "price": "15.5",
            "free_over": "",
            "position": "0",
            "rates-TOTAL_FORMS": "0",
            "rates-INITIAL_FORMS": "0",
            "currency_prices-TOTAL_FORMS": "0",  # its prices in other markets' currencies
            "currency_prices-INITIAL_FORMS": "0",
        },
    )

    method = ShippingMethod.objects.get(name="Express")
    assert method.price == Money("15.50", "USD") and method.free_over is None


def test_a_zero_decimal_shop_shows_whole_yen_and_refuses_fractions(settings):
    settings.SHOP_CURRENCY = "JPY"
    field = AmountField(label="Price", required=True)

    assert field.label == "Price (JPY)" and field.prepare_value(Money("1200.000", "JPY")) == (
        Decimal("1200")
    )
    assert field.clean("1200") == Money("1200", "JPY")
    with pytest.raises(Exception, match="decimal"):
        field.clean("1200.5")
