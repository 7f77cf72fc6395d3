"""The API has no language prefix: it answers in the language of `Accept-Language`."""

import pytest

pytestmark = pytest.mark.markets


@pytest.mark.parametrize(
    "accept, name", [("de", "Steingutbecher"), ("de-AT,de;q=0.9", "Steingutbecher"),
                     ("en-GB", "Stoneware Mug"), ("fr", "Stoneware Mug"), (None, "Stoneware Mug")],
)  # fmt: skip
def test_the_api_answers_in_the_language_asked_for(client, german_shop, accept, name):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}
    response = client.get("/api/v1/products/mug", **headers)
    assert response.status_code == 200
    assert response.json()["name"] == name


def test_an_api_error_is_in_the_language_asked_for(client, german_shop):
    response = client.post(
        "/api/v1/carts",
        {"lines": [{"variant_id": 999999, "quantity": 1}]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["code"], error["message"]) == (
        "unknown_variant",
        "Dieses Produkt ist nicht verfügbar.",
    )
