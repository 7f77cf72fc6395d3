"""The checkout starts with a country chosen: the shop's own (SHOP_COUNTRY), or where the
shopper's default address or last order is."""

import re

import pytest
from django.urls import reverse

from accounts.models import Address
from orders.models import Order
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _chosen_country(client) -> str:
    variant = VariantFactory(stock_on_hand=5)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    html = client.get(reverse("orders:checkout")).content.decode()
    select = re.search(r'<select name="country".*?</select>', html, re.S).group(0)
    chosen = re.findall(r'<option value="(\w*)"[^>]*selected', select)
    return chosen[0] if chosen else ""


def test_a_guest_starts_with_the_shops_country(client):
    assert _chosen_country(client) == "US"


def test_the_shops_country_is_a_setting(client, settings):
    settings.SHOP_COUNTRY = "GB"
    assert _chosen_country(client) == "GB"


def test_a_returning_shopper_starts_with_the_country_of_their_last_order(
    client, cart_with_order_to_canada
):
    client.force_login(cart_with_order_to_canada)
    assert _chosen_country(client) == "CA"


def test_a_default_address_comes_before_the_last_order(client, cart_with_order_to_canada):
    Address.objects.create(
        user=cart_with_order_to_canada, name="Ada", line1="1 High St", city="London",
        postcode="N1 1AA", country="GB", is_default=True,
    )  # fmt: skip
    client.force_login(cart_with_order_to_canada)
    assert _chosen_country(client) == "GB"


@pytest.fixture
def cart_with_order_to_canada(shipping_method):
    from tests.conftest import make_cart, place

    user = UserFactory(email="returning@example.com")
    order = place(make_cart((VariantFactory(), 1)), shipping_method, user=user)
    Order.objects.filter(pk=order.pk).update(shipping_country="CA", shipping_region="CA-ON")
    return user
