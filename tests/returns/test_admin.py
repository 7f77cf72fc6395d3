"""The merchant's returns queue: approve, count what arrived, refund (and retry), decline."""

import pytest
from django.urls import reverse
from moneyed import Money

from payments import gateway
from returns import services
from returns.models import ReturnRequest
from tests.factories import UserFactory

pytestmark = [pytest.mark.returns, pytest.mark.django_db]


@pytest.fixture
def merchant_client(client):
    client.force_login(UserFactory(email="merchant@example.com", is_staff=True, is_superuser=True))
    return client


def _asked(order, reason, units=2):
    return services.request_return(
        order_id=order.pk,
        quantities={order.lines.get().pk: units},
        reason_id=reason.pk,
        actor="shopper",
    )


def _step(client, request, step, data=None):
    url = reverse("admin:returns_returnrequest_step", args=[request.pk, step])
    return client.post(url, data or {})


def test_the_queue_lists_open_returns_and_the_page_offers_the_next_step(
    merchant_client, delivered, reason
):
    request = _asked(delivered, reason)
    queue = merchant_client.get(reverse("admin:returns_returnrequest_changelist"))
    assert queue.status_code == 200 and request.number in queue.content.decode()
    page = merchant_client.get(reverse("admin:returns_returnrequest_change", args=[request.pk]))
    body = page.content.decode()
    assert reverse("admin:returns_returnrequest_step", args=[request.pk, "approve"]) in body
    assert reverse("admin:returns_returnrequest_step", args=[request.pk, "decline"]) in body


def test_approve_receive_and_refund_from_the_admin(
    merchant_client, delivered_at_stripe, reason, variant, monkeypatch
):
    order = delivered_at_stripe
    request = _asked(order, reason)
    answer = _step(
        merchant_client,
        request,
        "approve",
        {"instructions": "Post it to 1 Shop St.", "label_url": "https://labels.example/1"},
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved" and request.label_url == "https://labels.example/1"

    line = request.lines.get()
    form = merchant_client.get(
        reverse("admin:returns_returnrequest_step", args=[request.pk, "receive"])
    )
    assert form.status_code == 200
    variant.refresh_from_db()
    before = variant.stock_on_hand
    answer = _step(
        merchant_client,
        request,
        "receive",
        {f"received_{line.pk}": "2", f"sellable_{line.pk}": "1"},
    )
    assert answer.status_code == 302
    variant.refresh_from_db()
    assert variant.stock_on_hand == before + 1

    page = merchant_client.get(
        reverse("admin:returns_returnrequest_step", args=[request.pk, "refund"])
    )
    assert "$20.00" in page.content.decode()

    real = gateway.create_refund

    def refused(**kwargs):
        raise gateway.StripeError("Stripe is down.")

    monkeypatch.setattr(gateway, "create_refund", refused)
    answer = _step(merchant_client, request, "refund", {"destination": "card"})
    assert answer.status_code == 200 and "Stripe is down." in answer.content.decode()
    page = merchant_client.get(reverse("admin:returns_returnrequest_change", args=[request.pk]))
    assert "Retry the refund" in page.content.decode()

    monkeypatch.setattr(gateway, "create_refund", real)
    answer = _step(merchant_client, request, "refund", {"destination": "card"})
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.status == "refunded" and request.refunded_amount == Money("20.00", "USD")


def test_a_decline_needs_a_reason(merchant_client, delivered, reason):
    request = _asked(delivered, reason)
    answer = _step(merchant_client, request, "decline", {"reason": ""})
    assert answer.status_code == 200
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REQUESTED
    _step(merchant_client, request, "decline", {"reason": "Worn and washed."})
    request.refresh_from_db()
    assert request.status == "declined" and request.decline_reason == "Worn and washed."


def test_a_step_out_of_turn_is_a_message_not_an_error(merchant_client, delivered, reason):
    request = _asked(delivered, reason)
    answer = _step(merchant_client, request, "refund", {"destination": "card"})
    assert answer.status_code == 200 and "cannot be" in answer.content.decode()
    assert (
        merchant_client.post(
            reverse("admin:returns_returnrequest_step", args=[request.pk, "nonsense"])
        ).status_code
        == 403
    )


def test_shoppers_cannot_reach_the_queue(client, delivered, reason):
    request = _asked(delivered, reason)
    client.force_login(UserFactory())
    answer = _step(client, request, "approve")
    assert answer.status_code in (302, 403)
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REQUESTED


def test_staff_start_a_return_past_the_window_and_the_override_is_logged(
    merchant_client, shipping_method, variant, reason
):
    from orders.models import OrderEvent
    from tests.conftest import make_cart, place
    from tests.returns.conftest import deliver, paid_without_stripe

    order = deliver(
        paid_without_stripe(place(make_cart((variant, 2)), shipping_method)), days_ago=45
    )
    page = merchant_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    url = reverse("admin:orders_order_start_return", args=[order.pk])
    assert url in page.content.decode()
    line = order.lines.get()
    refused = merchant_client.post(
        url, {"kind": "refund", "reason": reason.pk, f"line_{line.pk}": "1"}
    )
    assert refused.status_code == 200 and "ended on" in refused.content.decode()
    assert not ReturnRequest.objects.exists()
    answer = merchant_client.post(
        url, {"kind": "refund", "reason": reason.pk, f"line_{line.pk}": "1", "override": "on"}
    )
    assert answer.status_code == 302
    request = ReturnRequest.objects.get()
    assert request.rules_overridden and request.overridden_by == "merchant@example.com"
    event = order.events.get(kind=OrderEvent.Kind.RETURN_RULES_OVERRIDDEN)
    assert event.actor == "merchant@example.com"
    page = merchant_client.get(reverse("admin:orders_order_change", args=[order.pk]))
    assert request.number in page.content.decode()
