"""The API takes the market as a parameter and answers in it."""

import json
import uuid

import pytest
from django.test import Client
from moneyed import Money

from orders.models import Order
from tests.factories import ShippingMethodFactory, VariantFactory
from tests.markets.conftest import price_in, ship_in

pytestmark = [pytest.mark.markets, pytest.mark.api, pytest.mark.django_db]

API = "/api/v1"
VIENNA = {
    "name": "Grete Berger",
    "line1": "Hauptstraße 1",
    "city": "Wien",
    "postcode": "1010",
    "country": "AT",
}


def post(client, path, body=None, **params):
    query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
    return client.post(
        f"{API}{path}{query}", json.dumps(body or {}), content_type="application/json"
    )


@pytest.fixture
def goods(eu_market):
    mug = price_in(
        VariantFactory(product__name="Mug", price=Money("12", "USD"), stock_on_hand=9),
        "EUR",
        "10.90",
    )
    bulb = VariantFactory(product__name="Bulb", price=Money("8", "USD"), stock_on_hand=9)
    method = ship_in(ShippingMethodFactory(name="Standard"), "EUR", "4.90")
    return mug, bulb, method


def test_a_guest_buys_in_euros_through_the_api(goods):
    mug, bulb, method = goods
    client = Client()
    listed = client.get(f"{API}/products", {"market": "eu"}).json()
    assert [p["name"] for p in listed["items"]] == ["Mug"]
    assert listed["items"][0]["price_from"] == {"amount": "10.90", "currency": "EUR", "minor": 1090}
    assert client.get(f"{API}/products/{bulb.product.slug}", {"market": "eu"}).status_code == 404
    product = client.get(f"{API}/products/{mug.product.slug}", {"market": "eu"}).json()
    assert product["variants"][0]["price"]["currency"] == "EUR"

    cart = post(client, "/carts", {"lines": [{"variant_id": mug.pk, "quantity": 2}]}, market="eu")
    assert cart.status_code == 201, cart.content
    token = cart.json()["token"]
    assert cart.json()["currency"] == "EUR"
    assert cart.json()["subtotal"]["minor"] == 2180
    refused = post(client, f"/carts/{token}/lines", {"variant_id": bulb.pk, "quantity": 1})
    assert refused.status_code == 409 and refused.json()["errors"][0]["code"] == "not_sold"

    body = {"email": "grete@example.com", "address": VIENNA, "shipping_method_id": method.pk}
    quote = post(client, f"/carts/{token}/quote", body).json()
    assert quote["totals"]["shipping"] == {"amount": "4.90", "currency": "EUR", "minor": 490}
    placed = post(client, f"/carts/{token}/order", {**body, "checkout_token": uuid.uuid4().hex})
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert (order["currency"], order["market"]) == ("EUR", "eu")
    assert order["total"]["minor"] == 2670
    assert Order.objects.get().total == Money("26.70", "EUR")


def test_a_dollar_cart_shipped_to_europe_must_be_repriced_first(goods):
    mug, _bulb, method = goods
    client = Client()
    token = post(client, "/carts", {"lines": [{"variant_id": mug.pk, "quantity": 1}]}).json()[
        "token"
    ]
    body = {"email": "grete@example.com", "address": VIENNA, "shipping_method_id": method.pk}
    refused = post(client, f"/carts/{token}/quote", body)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["code"] == "market_changed"
    assert "?market=eu" in refused.json()["errors"][0]["message"]

    repriced = client.get(f"{API}/carts/{token}", {"market": "eu"}).json()
    assert repriced["currency"] == "EUR" and repriced["subtotal"]["amount"] == "10.90"
    assert any("now priced in EUR" in n for n in repriced["notes"])
    assert post(client, f"/carts/{token}/quote", body).status_code == 200


def test_repricing_through_the_api_removes_what_is_not_sold_there(goods):
    mug, bulb, _method = goods
    client = Client()
    lines = [{"variant_id": mug.pk, "quantity": 1}, {"variant_id": bulb.pk, "quantity": 1}]
    token = post(client, "/carts", {"lines": lines}).json()["token"]

    answer = client.get(f"{API}/carts/{token}", {"market": "eu"}).json()

    assert [line["name"] for line in answer["lines"]] == ["Mug"]
    assert any("Bulb is not sold in Europe" in n for n in answer["notes"])


@pytest.mark.parametrize("code", ["mars", "x" * 40])
def test_an_unknown_market_is_a_422_in_the_error_shape(goods, code):
    answer = Client().get(f"{API}/products", {"market": code})
    assert answer.status_code == 422
    assert answer.json()["errors"][0] == {
        "code": "unknown_market",
        "message": f"There is no market {code[:30]}.",
        "field": "market",
    }


def test_the_market_header_works_as_the_parameter(goods):
    listed = Client().get(f"{API}/products", headers={"Shop-Market": "eu"}).json()
    assert [p["name"] for p in listed["items"]] == ["Mug"]


def test_an_unknown_market_never_hides_a_missing_method(goods):
    answer = Client().generic("TRACE", f"{API}/products?market=mars")
    assert answer.status_code == 405
