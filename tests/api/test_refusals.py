"""What the API refuses, case by case from the outside tests (issues 22 and 31): each answer in
the one error shape, each refusal leaving the database as it was. The whole-API sweep is in
tests/fuzz/test_json_apis.py; the body guard's limits in tests/test_body_guard.py."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import Address
from shop.cart.models import Cart, CartLine
from tests.factories import UserFactory, VariantFactory

pytestmark = [pytest.mark.api, pytest.mark.django_db]

API = "/api/v1"
CHECKOUT = {
    "email": "ada@example.com",
    "address": {
        "name": "Ada",
        "line1": "1 High Street",
        "city": "London",
        "postcode": "SW1A 1AA",
        "country": "GB",
    },
}


@pytest.fixture
def shopper(settings):
    settings.API_THROTTLE_PER_IP = "10000/m"
    client = Client()
    client.force_login(UserFactory())
    return client


@pytest.fixture
def token(shopper):
    variant = VariantFactory(stock_on_hand=5)
    body = {"lines": [{"variant_id": variant.pk}]}
    return Client().post(f"{API}/carts", body, content_type="application/json").json()["token"]


def codes(response) -> list[str]:
    assert response["Content-Type"].startswith("application/json")
    return [problem["code"] for problem in response.json()["errors"]]


def counts() -> tuple[int, int, int]:
    return Cart.objects.count(), CartLine.objects.count(), Address.objects.count()


@pytest.mark.parametrize(
    "path", ["/carts", "/carts/{t}/lines", "/carts/{t}/quote", "/carts/{t}/order", "/me/addresses"]
)
def test_a_multipart_body_is_refused_with_400_not_a_500(shopper, token, path):
    before = counts()
    form = {"email": "a@example.com", "variant_id": "1"}
    response = shopper.post(API + path.format(t=token), form)  # multipart/form-data

    assert response.status_code == 400
    assert codes(response) == ["unsupported_media_type"]
    assert counts() == before


@pytest.mark.parametrize(
    "path, body",
    [
        ("/carts", {"merge_from": "a\x00b"}),
        ("/carts", {"merge_from": "\ud800"}),
        ("/carts/{t}/quote", {**CHECKOUT, "voucher_code": "SAVE\x00"}),
        ("/carts/{t}/lines", {"variant_id": 1, "\x00": 1}),
    ],
    ids=["NUL in merge_from", "lone surrogate", "NUL in voucher_code", "NUL in a name"],
)
def test_a_nul_or_a_lone_surrogate_in_a_json_string_is_refused(shopper, token, path, body):
    before = counts()
    response = shopper.post(
        API + path.format(t=token), json.dumps(body), content_type="application/json"
    )

    assert response.status_code == 400
    assert codes(response) == ["invalid_character"]
    assert counts() == before


@pytest.mark.parametrize("body", ["[null, null]", '"text"', "7", "true", "[]"])
def test_a_body_that_is_not_an_object_makes_no_cart(client, body):
    before = counts()
    response = client.post(f"{API}/carts", body, content_type="application/json")

    assert response.status_code == 422
    assert codes(response) == ["model_type"]
    assert counts() == before


def test_unknown_members_are_refused_not_ignored(client, token):
    line_id = Cart.objects.get(token=token).lines.get().pk
    before = counts()

    made = client.post(
        f"{API}/carts", {"lines": [], "colour": "red"}, content_type="application/json"
    )
    changed = client.patch(
        f"{API}/carts/{token}/lines/{line_id}",
        {"quantity": 2, "price": "0.01"},
        content_type="application/json",
    )
    nested = client.post(
        f"{API}/carts/{token}/lines",
        {"variant_id": 1, "quantity": 1, "unit_price": 0},
        content_type="application/json",
    )

    for response, field in ((made, "colour"), (changed, "price"), (nested, "unit_price")):
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {"code": "extra_forbidden", "message": "Extra inputs are not permitted", "field": field}
        ]
    assert counts() == before
    assert CartLine.objects.get(pk=line_id).quantity == 1


def test_the_schema_forbids_unknown_members_and_documents_create_carts_409():
    from shop.api.main import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    for name in ("CartIn", "LineIn", "QuantityIn", "CheckoutIn", "PlaceOrderIn", "SavedAddressIn"):
        assert components[name]["additionalProperties"] is False, name
    assert 409 in schema["paths"]["/api/v1/carts"]["post"]["responses"]


def test_create_cart_answers_a_documented_409_when_stock_is_short(client):
    variant = VariantFactory(stock_on_hand=1)
    response = client.post(
        f"{API}/carts",
        {"lines": [{"variant_id": variant.pk, "quantity": 2}]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert codes(response) == ["sold_out"]


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("post", "/categories", {"GET"}),
        ("delete", "/carts", {"POST"}),
        ("put", "/carts/abc/lines/1", {"PATCH", "DELETE"}),
    ],
)
def test_a_method_an_operation_does_not_have_is_a_json_405(client, method, path, allowed):
    response = getattr(client, method)(f"{API}{path}", "{}", content_type="application/json")

    assert response.status_code == 405
    assert codes(response) == ["method_not_allowed"]
    assert {m.strip() for m in response["Allow"].split(",")} == allowed


def test_a_listed_origin_can_read_the_refusal(client, settings):
    """The guard answers before any view: its answers still carry CORS headers, or an app on
    a listed origin would see an opaque network error instead of the problem."""
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    origin = {"Origin": "https://app.example.com"}

    for path in (f"{API}/carts", "/_allauth/app/v1/auth/login"):
        refused = client.post(path, "[" * 1000, content_type="application/json", headers=origin)
        assert refused.status_code == 400
        assert refused["Access-Control-Allow-Origin"] == "https://app.example.com"
