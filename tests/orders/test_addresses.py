"""Addresses are written in their country's order, the same on every page and email."""

import pytest
from django.urls import reverse

from accounts.models import Address
from orders.addresses import lines
from orders.models import Order
from tests.conftest import checkout_details
from tests.factories import UserFactory, VariantFactory
from worker.emails import render
from worker.models import OutboxEmail

pytestmark = pytest.mark.django_db

EMPIRE = {
    "name": "Ada Lovelace",
    "line1": "350 Fifth Avenue",
    "line2": "Floor 2",
    "city": "New York",
    "postcode": "10118",
    "region": "US-NY",
    "country": "US",
}


def _at(country, city, postcode, region="", line1="1 Main St"):
    return {"name": "Ada", "line1": line1, "city": city, "postcode": postcode,
            "region": region, "country": country}  # fmt: skip


@pytest.mark.parametrize(
    "address, expected",
    [
        (
            EMPIRE,
            ["Ada Lovelace", "350 Fifth Avenue", "Floor 2", "New York, NY 10118", "United States"],
        ),
        (
            _at("GB", "London", "SW1A 1AA"),
            ["Ada", "1 Main St", "London", "SW1A 1AA", "United Kingdom"],
        ),
        (_at("DE", "Berlin", "10115"), ["Ada", "1 Main St", "10115 Berlin", "Germany"]),
        (
            _at("CA", "Toronto", "M5V 2T6", "CA-ON"),
            ["Ada", "1 Main St", "Toronto ON M5V 2T6", "Canada"],
        ),
        (
            _at("JP", "Shibuya", "150-0001", "JP-13", line1="1-2-3 Jingumae"),
            ["Ada", "1-2-3 Jingumae", "Shibuya, Tokyo", "150-0001", "Japan"],
        ),
    ],
)
def test_each_country_writes_its_addresses_its_own_way(address, expected):
    assert lines(**address) == expected


def test_a_us_address_reads_city_state_zip_everywhere_it_is_shown(client, shipping_method):
    shopper = UserFactory(email="ada@example.com")
    Address.objects.create(user=shopper, **EMPIRE, is_default=True)
    client.force_login(shopper)
    client.post(reverse("cart:add"), {"variant": VariantFactory(stock_on_hand=3).pk, "quantity": 1})
    client.post(reverse("orders:checkout"), checkout_details(shipping_method, **EMPIRE))
    review = client.get(reverse("orders:review"))
    token = review.context["form"].initial["checkout_token"]
    client.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()
    email = render(
        OutboxEmail.objects.create(order=order, kind="order_confirmation", recipient=order.email)
    )

    shown = {
        "review": review.content.decode(),
        "order page": client.get(order.get_absolute_url()).content.decode(),
        "address book": client.get(reverse("accounts:addresses")).content.decode(),
        "email (text)": email.body,
        "email (HTML)": email.alternatives[0][0],
    }

    assert [where for where, text in shown.items() if "New York, NY 10118" not in text] == []
    assert [where for where, text in shown.items() if "10118 New York" in text] == []
    assert [w for w, text in shown.items() if "NY 10118<br>United States" in text] == [
        "review",
        "order page",
        "address book",
        "email (HTML)",
    ]
