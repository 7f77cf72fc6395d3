"""Many clicks on "Refund" for one return at once, on PostgreSQL with real threads: one
refund at Stripe, recorded once."""

import pytest
from django.utils import timezone
from moneyed import Money

from payments import gateway
from returns import refunding, services
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnRequest
from tests.orders.test_concurrency import _run_at_once

pytestmark = [pytest.mark.returns, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def test_a_return_refunded_by_concurrent_requests_is_refunded_once(
    require_postgres, delivered_at_stripe, reason
):
    order = delivered_at_stripe
    request = services.request_return(
        order_id=order.pk,
        quantities={order.lines.get().pk: 2},
        reason_id=reason.pk,
        actor="shopper",
    )
    services.approve(return_id=request.pk, actor="merchant")
    line = request.lines.get()
    services.receive(return_id=request.pk, actor="merchant", counts={line.pk: (2, 2)})

    results = _run_at_once(
        [lambda: refunding.refund_return(return_id=request.pk, actor="m") for _ in range(6)]
    )

    refunded = [r for r in results if isinstance(r, ReturnRequest)]
    busy = [r for r in results if isinstance(r, ReturnError)]
    assert refunded and all(r.code == ReturnErrorCode.REFUND_UNDER_WAY for r in busy)
    assert len(refunded) + len(busy) == 6
    payment = order.payments.get(status="succeeded")
    at_stripe = gateway.list_refunds(payment.stripe_payment_intent_id)
    assert [r["amount"] for r in at_stripe] == [2000]
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.refunded_total == Money("20.00", "USD")
    assert request.status == ReturnRequest.Status.REFUNDED
    assert request.refunded_at <= timezone.now()

    again = _run_at_once(
        [lambda: refunding.refund_return(return_id=request.pk, actor="m") for _ in range(3)]
    )
    assert all(isinstance(r, ReturnRequest) for r in again)
    assert len(gateway.list_refunds(payment.stripe_payment_intent_id)) == 1
