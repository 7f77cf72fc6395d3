"""Gift cards and store credit through the API: apply and remove on a cart, the quote and the
order say what they pay, Stripe is asked for the rest only, balances under /me."""

import json
import uuid

import pytest
from django.test import Client
from moneyed import Money

from giftcards.models import CartRedemption
from orders.models import Order
from tests.factories import ShippingMethodFactory, UserFactory, VariantFactory
from tests.giftcards.kit import credit, issue

pytestmark = [pytest.mark.giftcards, pytest.mark.api, pytest.mark.django_db]

API = "/api/v1"
ADDRESS = {"name": "Ada", "line1": "1 High St", "city": "London", "postcode": "SW1A 1AA",
           "country": "GB"}  # fmt: skip


def post(client, path, body=None, method="post"):
    return getattr(client, method)(
        f"{API}{path}", json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def cart_token():
    client = Client()
    variant = VariantFactory(price=Money("10.00", "USD"), stock_on_hand=5)
    return client, post(
        client, "/carts", {"lines": [{"variant_id": variant.pk, "quantity": 2}]}
    ).json()["token"]


def test_a_card_applied_through_the_api_pays_part_and_stripe_the_rest(cart_token, stripe_emulator):
    client, token = cart_token
    method = ShippingMethodFactory()  # $5
    issued = issue("12.00")
    applied = post(client, f"/carts/{token}/gift-cards", {"code": issued.grouped_code})
    assert applied.status_code == 200, applied.content
    card = applied.json()["gift_cards"][0]
    assert card["last4"] == issued.code[-4:] and issued.code not in applied.content.decode()

    body = {"email": "ada@example.com", "address": ADDRESS, "shipping_method_id": method.pk}
    quote = post(client, f"/carts/{token}/quote", body).json()
    assert quote["prepaid"]["covered"]["amount"] == "12.00"
    assert quote["prepaid"]["amount_due"]["amount"] == "13.00"

    order = post(client, f"/carts/{token}/order", {**body, "checkout_token": uuid.uuid4().hex})
    order = order.json()
    assert order["prepaid"]["amount"] == "12.00" and order["amount_due"]["minor"] == 1300
    payment = post(client, f"/orders/{order['number']}/payment?key={order['key']}").json()
    assert payment["amount"] == {"amount": "13.00", "currency": "USD", "minor": 1300}


def test_refusals_through_the_api_are_the_one_message(cart_token):
    client, token = cart_token
    refused = post(client, f"/carts/{token}/gift-cards", {"code": "WRONG"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "code": "gift_card_cannot_be_used",
            "message": "That gift card cannot be used.",
            "field": "code",
        }
    ]
    assert post(client, "/carts/nope/gift-cards", {"code": "X"}).status_code == 404
    assert not CartRedemption.objects.exists()


def test_a_card_is_removed_through_the_api(cart_token):
    client, token = cart_token
    issued = issue("12.00")
    card_id = post(client, f"/carts/{token}/gift-cards", {"code": issued.code}).json()[
        "gift_cards"
    ][0]["id"]
    removed = client.delete(f"{API}/carts/{token}/gift-cards/{card_id}")
    assert removed.status_code == 200 and removed.json()["gift_cards"] == []


def test_store_credit_and_balances_for_a_signed_in_shopper():
    user = UserFactory()
    credit(user, "8.00")
    client = Client()
    client.force_login(user)
    variant = VariantFactory(price=Money("10.00", "USD"), stock_on_hand=5)
    token = post(client, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()["token"]
    used = post(client, f"/carts/{token}/store-credit", {"use": True}, method="put")
    assert used.status_code == 200, used.content
    assert used.json()["using_store_credit"] is True
    balances = client.get(f"{API}/me/balances").json()
    assert balances["store_credit"] == [{"amount": "8.00", "currency": "USD", "minor": 800}]
    assert Client().get(f"{API}/me/balances").status_code == 401
    assert not Order.objects.exists()
