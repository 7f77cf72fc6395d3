"""The JSON API (/api/v1/): the whole flow, who may reach what, the one error shape, fixed
query counts, throttles, CORS and the committed schema."""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from moneyed import Money

from accounts.models import Address
from orders.models import Order, Voucher
from shop.cart.models import Cart
from tests.conftest import ROOT
from tests.factories import (
    ProductFactory,
    ShippingMethodFactory,
    UserFactory,
    VariantFactory,
)

pytestmark = [pytest.mark.api, pytest.mark.django_db]

API = "/api/v1"
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "1 High Street",
    "city": "London",
    "postcode": "SW1A 1AA",
    "country": "GB",
}


def post(client, path, body=None, **headers):
    return client.post(
        f"{API}{path}", json.dumps(body or {}), content_type="application/json", headers=headers
    )


def checkout(method, **changes):
    return {
        "email": "ada@example.com",
        "address": ADDRESS,
        "shipping_method_id": method.pk,
        **changes,
    }


def errors(response) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in response.json()["errors"]]


@pytest.fixture
def client():
    return Client()


@pytest.fixture
def method(db):
    return ShippingMethodFactory(name="Standard")  # $5.00


def test_a_guest_buys_through_the_api_alone(client, method):
    variant = VariantFactory(price=Money("10.00", "USD"), stock_on_hand=5)
    slug = variant.product.slug

    listed = client.get(f"{API}/products", {"q": variant.product.name})
    assert listed.status_code == 200
    assert slug in [p["slug"] for p in listed.json()["items"]]
    product = client.get(f"{API}/products/{slug}").json()
    assert product["variants"][0] == {
        "id": variant.pk,
        "sku": variant.sku,
        "label": variant.label,
        "price": {"amount": "10.00", "currency": "USD", "minor": 1000},
        "available": 5,
        "in_stock": True,
        "on_backorder": False,
        "options": {},
    }

    cart = post(client, "/carts", {"lines": [{"variant_id": variant.pk, "quantity": 2}]})
    assert cart.status_code == 201
    token = cart.json()["token"]
    assert cart.json()["subtotal"] == {"amount": "20.00", "currency": "USD", "minor": 2000}
    shipping = client.get(f"{API}/carts/{token}/shipping-methods", {"country": "GB"}).json()
    assert shipping["methods"][0]["price"]["amount"] == "5.00"

    quote = post(client, f"/carts/{token}/quote", checkout(method))
    assert quote.status_code == 200
    assert quote.json()["totals"]["total"]["amount"] == "25.00"

    body = checkout(method, checkout_token=uuid.uuid4().hex)
    placed = post(client, f"/carts/{token}/order", body)
    assert placed.status_code == 201, placed.content
    order = placed.json()
    assert (order["status"], order["total"]["minor"]) == ("pending_payment", 2500)
    again = post(client, f"/carts/{token}/order", body)  # a retry: the same order
    assert again.json()["number"] == order["number"]
    assert Order.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock_reserved == 2

    seen = client.get(f"{API}/orders/{order['number']}", {"key": order["key"]})
    assert seen.status_code == 200
    assert Client().get(f"{API}/orders/{order['number']}").status_code == 404  # no key
    forged = Client().get(f"{API}/orders/{order['number']}", {"key": "1abc:forged"})
    assert forged.status_code == 404


def test_starting_the_payment_gives_the_intent_for_stripes_sdk(client, method, stripe_emulator):
    variant = VariantFactory(price=Money("10.00", "USD"), stock_on_hand=5)
    token = post(client, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()["token"]
    order = post(client, f"/carts/{token}/order", checkout(method, checkout_token="t" * 12)).json()

    payment = post(client, f"/orders/{order['number']}/payment?key={order['key']}")

    assert payment.status_code == 200, payment.content
    data = payment.json()
    assert data["client_secret"].startswith(data["payment_intent_id"] + "_secret_")
    assert data["publishable_key"].startswith("pk_")
    assert data["amount"] == {"amount": "15.00", "currency": "USD", "minor": 1500}
    again = post(client, f"/orders/{order['number']}/payment?key={order['key']}").json()
    assert again["payment_intent_id"] == data["payment_intent_id"]  # one intent per order
    assert post(Client(), f"/orders/{order['number']}/payment").status_code == 404


def test_stripe_out_of_reach_is_a_503_in_the_error_shape_and_the_order_is_kept(
    client, method, settings
):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    variant = VariantFactory(price=Money("10.00", "USD"), stock_on_hand=5)
    token = post(client, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()["token"]
    order = post(client, f"/carts/{token}/order", checkout(method, checkout_token="u" * 12)).json()

    payment = post(client, f"/orders/{order['number']}/payment?key={order['key']}")

    assert payment.status_code == 503, payment.content
    assert errors(payment) == [("payment_provider_unavailable", None)]
    assert payment["Retry-After"]
    placed = Order.objects.get(number=order["number"])
    assert placed.status == Order.Status.PENDING_PAYMENT and not placed.payments.exists()


def test_bad_input_gets_one_error_shape_and_changes_nothing(client, method):
    variant = VariantFactory(stock_on_hand=2)
    token = post(client, "/carts").json()["token"]

    malformed = client.post(f"{API}/carts/{token}/lines", "{bad", content_type="application/json")
    assert malformed.status_code == 400
    assert errors(malformed) == [("invalid_json", None)]
    typed = post(client, f"/carts/{token}/lines", {"variant_id": "x", "quantity": 0})
    assert typed.status_code == 422
    assert {f for _c, f in errors(typed)} == {"variant_id", "quantity"}
    unknown = post(client, f"/carts/{token}/lines", {"variant_id": 10**12})
    assert errors(unknown) == [("unknown_variant", "variant_id")]
    too_many = post(client, f"/carts/{token}/lines", {"variant_id": variant.pk, "quantity": 3})
    assert too_many.status_code == 409
    assert errors(too_many) == [("sold_out", "quantity")]
    assert "only 2" in too_many.json()["errors"][0]["message"]
    assert Cart.objects.get(token=token).lines.count() == 0

    # A cart whose second line cannot be had is not made at all.
    carts = Cart.objects.count()
    refused = post(
        client,
        "/carts",
        {"lines": [{"variant_id": variant.pk}, {"variant_id": variant.pk, "quantity": 5}]},
    )
    assert refused.status_code == 409
    assert errors(refused) == [("sold_out", "lines.1.quantity")]
    assert Cart.objects.count() == carts

    empty = post(client, f"/carts/{token}/quote", checkout(method))
    assert errors(empty) == [("cart_empty", None)]
    post(client, f"/carts/{token}/lines", {"variant_id": variant.pk})
    bad_address = post(
        client,
        f"/carts/{token}/quote",
        checkout(method, email="nope", address={**ADDRESS, "country": "XX", "city": " "}),
    )
    assert bad_address.status_code == 422
    assert set(errors(bad_address)) >= {
        ("invalid", "email"),
        ("invalid_choice", "address.country"),
    }
    voucher = post(client, f"/carts/{token}/quote", checkout(method, voucher_code="NOPE"))
    assert errors(voucher) == [("voucher_refused", "voucher_code")]
    assert Order.objects.count() == 0
    assert client.get(f"{API}/products", {"price_min": "abc"}).status_code == 422
    assert client.get(f"{API}/products", {"page_size": 101}).status_code == 422
    assert client.get(f"{API}/carts/{'x' * 64}").status_code == 404
    assert client.get(f"{API}/nothing-here").status_code == 404


def test_a_voucher_lowers_the_quote_as_on_the_review_page(client, method):
    variant = VariantFactory(price=Money("40.00", "USD"), stock_on_hand=5)
    Voucher.objects.create(code="TEN", kind=Voucher.Kind.PERCENTAGE, value=10)
    token = post(client, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()["token"]

    quote = post(client, f"/carts/{token}/quote", checkout(method, voucher_code="ten")).json()

    assert quote["voucher_code"] == "TEN"
    assert quote["totals"]["discount"]["amount"] == "4.00"
    assert quote["totals"]["total"]["amount"] == "41.00"


def test_lines_change_and_go(client):
    variant = VariantFactory(stock_on_hand=9)
    cart = post(client, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()
    line = cart["lines"][0]["id"]
    path = f"{API}/carts/{cart['token']}/lines/{line}"

    changed = client.patch(path, json.dumps({"quantity": 4}), content_type="application/json")
    assert changed.json()["quantity"] == 4
    assert client.delete(path).json()["lines"] == []
    assert client.delete(path).status_code == 404


@pytest.fixture
def shopper(db):
    return UserFactory(email="shopper@example.com")


def _app_token(client, user) -> str:
    response = client.post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"email": user.email, "password": "correct horse battery"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()["meta"]["session_token"]


def test_an_app_signs_in_with_allauth_and_sees_only_its_own(client, shopper, method):
    token = _app_token(client, shopper)
    app = Client(headers={"X-Session-Token": token})
    variant = VariantFactory(stock_on_hand=5)

    mine = post(app, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()
    assert Cart.objects.get(token=mine["token"]).user == shopper
    assert post(app, "/carts").json()["token"] == mine["token"]  # one cart per shopper
    assert Client().get(f"{API}/carts/{mine['token']}").status_code == 404  # a guest
    other = Client(headers={"X-Session-Token": _app_token(Client(), UserFactory())})
    assert other.get(f"{API}/carts/{mine['token']}").status_code == 404

    order = post(app, f"/carts/{mine['token']}/order", checkout(method, checkout_token="a" * 10))
    number = order.json()["number"]
    assert app.get(f"{API}/orders/{number}").status_code == 200  # the owner needs no key
    assert other.get(f"{API}/orders/{number}").status_code == 404
    listed = app.get(f"{API}/me/orders").json()
    assert [o["number"] for o in listed["items"]] == [number]
    assert other.get(f"{API}/me/orders").json()["items"] == []

    saved = post(app, "/me/addresses", {**ADDRESS, "is_default": True})
    assert saved.status_code == 201
    address_id = saved.json()["id"]
    assert [a["id"] for a in app.get(f"{API}/me/addresses").json()] == [address_id]
    assert other.delete(f"{API}/me/addresses/{address_id}").status_code == 404
    assert app.delete(f"{API}/me/addresses/{address_id}").status_code == 204
    assert not Address.objects.exists()

    assert Client().get(f"{API}/me/orders").status_code == 401
    bad = Client(headers={"X-Session-Token": "forged"}).get(f"{API}/me/orders")
    assert errors(bad) == [("invalid_session_token", None)]


def test_a_signed_in_browser_needs_the_csrf_token_to_change_anything(shopper):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(shopper)

    refused = post(browser, "/carts")
    assert refused.status_code == 403
    assert errors(refused) == [("csrf_failed", None)]
    assert browser.get(f"{API}/me/orders").status_code == 200  # reading needs none
    browser.get("/")  # the page sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert post(browser, "/carts", **{"X-CSRFToken": token}).status_code == 201


def test_query_counts_do_not_grow_with_the_page(client, django_assert_num_queries, shopper):
    products = [ProductFactory() for _ in range(12)]
    for product in products:
        VariantFactory(product=product)
    client.get(f"{API}/categories")  # the category tree, cached after the first
    client.get(f"{API}/products", {"page_size": 1})  # and the markets (request.market)

    def count(path, **params):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"{API}{path}", params).status_code == 200
        return len(queries)

    assert count("/products", page_size=2) == count("/products", page_size=12) == 2
    assert count("/categories") == 0
    lines = [{"variant_id": p.variants.get().pk} for p in products]
    small = post(client, "/carts", {"lines": lines[:1]}).json()["token"]
    big = post(client, "/carts", {"lines": lines}).json()["token"]
    assert count(f"/carts/{small}") == count(f"/carts/{big}") == 2


def test_throttled_per_address_with_retry_after(client, settings):
    settings.API_THROTTLE_PER_IP = "3/m"
    answers = [client.get(f"{API}/categories") for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert errors(answers[-1]) == [("throttled", None)]
    assert int(answers[-1]["Retry-After"]) > 0


def test_throttled_per_signed_in_shopper(shopper, settings):
    settings.API_THROTTLE_PER_USER = "2/m"
    app = Client(headers={"X-Session-Token": _app_token(Client(), shopper)})

    assert [app.get(f"{API}/me/orders").status_code for _ in range(3)] == [200, 200, 429]


def test_cors_only_for_listed_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]

    listed = client.get(f"{API}/categories", headers={"Origin": "https://app.example.com"})
    other = client.get(f"{API}/categories", headers={"Origin": "https://evil.example.com"})
    page = client.get("/", headers={"Origin": "https://app.example.com"})

    assert listed["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "Access-Control-Allow-Origin" not in other
    assert "Access-Control-Allow-Origin" not in page  # the pages are not shared


def test_the_documentation_page_and_the_schema_are_served(client):
    docs = client.get(f"{API}/docs/")
    schema = client.get(f"{API}/schema/")

    assert docs.status_code == 200
    page = docs.content.decode()
    from shop.api.main import api

    for path, methods in api.get_openapi_schema()["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in page  # every operation is described
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.1")


def test_the_committed_schema_is_what_the_code_generates():
    """`make openapi` writes openapi.yaml; review its diff with the change that made it."""
    from shop.api.main import api

    committed = yaml.safe_load(Path(ROOT / "openapi.yaml").read_text())
    assert committed == json.loads(json.dumps(api.get_openapi_schema())), (
        "openapi.yaml is out of date: run `make openapi`"
    )


def test_every_operation_documents_its_errors():
    from shop.api.main import api

    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), (method, path)
            assert {"404", "422", "429"} <= {str(s) for s in operation["responses"]}, path


def test_an_app_with_two_factor_gets_its_token_only_after_the_code(db):
    from tests.factories import totp_code

    user = UserFactory(email="careful@example.com", mfa=True)
    app = Client()
    first = app.post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"email": user.email, "password": "correct horse battery"}),
        content_type="application/json",
    )
    assert first.status_code == 401
    pending = first.json()
    assert any(
        f["id"] == "mfa_authenticate" and f.get("is_pending") for f in pending["data"]["flows"]
    )
    token = pending["meta"]["session_token"]
    assert Client(headers={"X-Session-Token": token}).get(f"{API}/me/orders").status_code == 401

    second = app.post(
        "/_allauth/app/v1/auth/2fa/authenticate",
        json.dumps({"code": totp_code()}),
        content_type="application/json",
        headers={"X-Session-Token": token},
    )
    assert second.status_code == 200, second.content
    signed_in = Client(headers={"X-Session-Token": second.json()["meta"]["session_token"]})
    assert signed_in.get(f"{API}/me/orders").status_code == 200


def test_an_app_signs_up_and_is_asked_to_verify_the_email(db, mailoutbox):
    response = Client().post(
        "/_allauth/app/v1/auth/signup",
        json.dumps({"email": "new@example.com", "password": "a long enough passphrase 42"}),
        content_type="application/json",
    )

    assert response.status_code == 401  # not signed in until the address is confirmed
    flows = response.json()["data"]["flows"]
    assert any(f["id"] == "verify_email" and f.get("is_pending") for f in flows)


def test_my_orders_and_a_product_cost_the_same_queries_whatever_their_size(shopper, method):
    browser = Client()
    browser.force_login(shopper)
    small, big = ProductFactory(), ProductFactory()
    VariantFactory(product=small)
    for _ in range(6):
        VariantFactory(product=big)

    def count(path):
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(f"{API}{path}").status_code == 200
        return len(queries)

    browser.get(f"{API}/products/{small.slug}")  # the markets, cached after the first
    assert count(f"/products/{small.slug}") == count(f"/products/{big.slug}")
    variant = VariantFactory(stock_on_hand=50)
    token = post(browser, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()["token"]
    post(browser, f"/carts/{token}/order", checkout(method, checkout_token="first-order"))
    one = count("/me/orders")
    for index in range(4):
        post(browser, f"/carts/{token}/lines", {"variant_id": variant.pk})
        post(browser, f"/carts/{token}/order", checkout(method, checkout_token=f"again-{index}x"))
    assert Order.objects.filter(user=shopper).count() == 5
    assert count("/me/orders") == one


def test_a_guest_cart_moves_into_the_shoppers_cart_when_the_app_signs_in(shopper):
    mug, tee = VariantFactory(stock_on_hand=5), VariantFactory(stock_on_hand=2)
    guest = post(Client(), "/carts", {"lines": [{"variant_id": mug.pk, "quantity": 2}]}).json()
    app = Client(headers={"X-Session-Token": _app_token(Client(), shopper)})
    post(app, "/carts", {"lines": [{"variant_id": tee.pk, "quantity": 2}]})
    other_guest = post(Client(), "/carts", {"lines": [{"variant_id": tee.pk}]}).json()

    merged = post(app, "/carts", {"merge_from": guest["token"]})
    capped = post(app, "/carts", {"merge_from": other_guest["token"]})

    assert merged.status_code == 201
    assert {(line["variant_id"], line["quantity"]) for line in merged.json()["lines"]} == {
        (mug.pk, 2),
        (tee.pk, 2),
    }
    assert capped.json()["notes"]  # 3 tees wanted, 2 to be had: said so
    assert Client().get(f"{API}/carts/{guest['token']}").status_code == 404  # gone
    refused = post(Client(), "/carts", {"merge_from": other_guest["token"]})
    assert errors(refused) == [("unknown_cart", "merge_from")]


def test_a_checkout_refusal_leaves_the_api_with_its_own_code_not_out_of_stock(
    client, method, monkeypatch
):
    """The method stops shipping to the country between the form and the order (a rate
    removed meanwhile): the answer says not_shippable, as the service does."""
    from orders import totals

    variant = VariantFactory(stock_on_hand=5)
    token = post(client, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()["token"]
    real = totals.compute
    monkeypatch.setattr(
        totals,
        "compute",
        lambda **kwargs: dataclasses.replace(real(**kwargs), shipping_available=False),
    )

    refused = post(client, f"/carts/{token}/order", checkout(method, checkout_token="n" * 12))

    assert refused.status_code == 409
    assert errors(refused) == [("not_shippable", None)]
    assert "does not ship" in refused.json()["errors"][0]["message"]
    assert Order.objects.count() == 0
