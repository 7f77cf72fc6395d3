"""Returns in the API: what can be returned, asking for a return (with the order's key or as
its owner), its status; the same rules as the pages, refusals as coded problems."""

import pytest
from django.test import Client

from orders.selectors import order_key
from returns import services
from returns.models import ReturnRequest

pytestmark = [pytest.mark.returns, pytest.mark.api, pytest.mark.django_db]

API = "/api/v1"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_reasons_are_listed(client, reason):
    names = [r["name"] for r in client.get(f"{API}/return-reasons").json()]
    assert "It does not fit" in names


def test_a_guest_with_the_key_asks_for_a_return_and_follows_it(client, delivered, reason):
    key = order_key(delivered)
    url = f"{API}/orders/{delivered.number}/returns?key={key}"
    before = client.get(url).json()
    line = delivered.lines.get()
    assert before["can_return"] and before["lines"][0] == {
        "line_id": line.pk,
        "product_name": line.product_name,
        "variant_label": line.variant_label,
        "units": 2,
        "final_sale": False,
    }
    answer = _post(
        client,
        url,
        {"lines": [{"line_id": line.pk, "quantity": 1}], "reason_id": reason.pk},
    )
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert created["status"] == "requested" and created["lines"][0]["quantity"] == 1

    request = ReturnRequest.objects.get()
    services.approve(return_id=request.pk, actor="m", instructions="Post it.")
    after = client.get(url).json()
    assert after["returns"][0]["status"] == "approved"
    assert after["returns"][0]["instructions"] == "Post it."
    assert after["lines"][0]["units"] == 1


def test_refusals_are_coded_and_change_nothing(client, delivered, reason):
    key = order_key(delivered)
    url = f"{API}/orders/{delivered.number}/returns?key={key}"
    line = delivered.lines.get()
    too_many = _post(
        client, url, {"lines": [{"line_id": line.pk, "quantity": 3}], "reason_id": reason.pk}
    )
    assert too_many.status_code == 409
    assert too_many.json()["errors"][0]["code"] == "too_many_units"
    bad = _post(client, url, {"lines": [], "reason_id": reason.pk})
    assert bad.status_code == 422
    unknown = _post(
        client, url, {"lines": [{"line_id": line.pk, "quantity": 1}], "reason_id": 99999}
    )
    assert unknown.json()["errors"][0]["code"] == "bad_reason"
    assert not ReturnRequest.objects.exists()


def test_without_the_key_the_order_is_not_found(delivered, reason):
    line = delivered.lines.get()
    url = f"{API}/orders/{delivered.number}/returns"
    assert Client().get(url).status_code == 404
    answer = _post(
        Client(), url, {"lines": [{"line_id": line.pk, "quantity": 1}], "reason_id": reason.pk}
    )
    assert answer.status_code == 404
    assert not ReturnRequest.objects.exists()
