"""Receiving a return puts only its sellable units back on the shelf, once; refunding it gives
back what those units were paid, once, through the Stripe emulator, and a Stripe failure
leaves the return received with the error, to retry."""

import pytest
from moneyed import Money

from orders import totals
from orders.models import OrderEvent
from payments import gateway
from payments.models import Refund
from returns import refunding, services
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnRequest

pytestmark = [pytest.mark.returns, pytest.mark.django_db]


def _received(order, reason, *, units=2, received=None, sellable=None):
    request = services.request_return(
        order_id=order.pk,
        quantities={order.lines.get().pk: units},
        reason_id=reason.pk,
        actor="shopper",
    )
    services.approve(return_id=request.pk, actor="merchant", instructions="Post it back.")
    line = request.lines.get()
    received = units if received is None else received
    sellable = received if sellable is None else sellable
    return services.receive(
        return_id=request.pk, actor="merchant", counts={line.pk: (received, sellable)}
    )


def _stripe_refunds(order):
    payment = order.payments.get(status="succeeded")
    return gateway.list_refunds(payment.stripe_payment_intent_id)


def test_only_sellable_units_are_restocked_and_only_once(delivered, variant, reason):
    variant.refresh_from_db()
    before = variant.stock_on_hand
    request = _received(delivered, reason, units=2, received=2, sellable=1)

    variant.refresh_from_db()
    assert variant.stock_on_hand == before + 1
    line = request.lines.get()
    assert line.restocked and (line.quantity_received, line.quantity_sellable) == (2, 1)
    kinds = list(delivered.events.values_list("kind", flat=True))
    assert OrderEvent.Kind.RETURN_RECEIVED in kinds and OrderEvent.Kind.RETURN_RESTOCKED in kinds

    with pytest.raises(ReturnError) as again:
        services.receive(return_id=request.pk, actor="merchant", counts={line.pk: (2, 2)})
    assert again.value.code == ReturnErrorCode.BAD_STATUS
    variant.refresh_from_db()
    assert variant.stock_on_hand == before + 1


def test_nothing_sellable_is_never_restocked(delivered, variant, reason):
    variant.refresh_from_db()
    before = variant.stock_on_hand
    _received(delivered, reason, units=2, received=2, sellable=0)
    variant.refresh_from_db()
    assert variant.stock_on_hand == before
    assert not delivered.events.filter(kind=OrderEvent.Kind.RETURN_RESTOCKED).exists()


@pytest.mark.parametrize("counts", [(3, 0), (1, 2), (-1, 0)])
def test_counts_that_do_not_add_up_are_refused(delivered, variant, reason, counts):
    request = services.request_return(
        order_id=delivered.pk,
        quantities={delivered.lines.get().pk: 2},
        reason_id=reason.pk,
        actor="shopper",
    )
    services.approve(return_id=request.pk, actor="merchant")
    variant.refresh_from_db()
    before = variant.stock_on_hand
    with pytest.raises(ReturnError) as refused:
        services.receive(return_id=request.pk, actor="m", counts={request.lines.get().pk: counts})
    assert refused.value.code == ReturnErrorCode.BAD_COUNT
    request.refresh_from_db()
    variant.refresh_from_db()
    assert request.status == ReturnRequest.Status.APPROVED and variant.stock_on_hand == before


def test_a_return_cannot_be_received_before_it_is_approved(delivered, reason):
    request = services.request_return(
        order_id=delivered.pk,
        quantities={delivered.lines.get().pk: 1},
        reason_id=reason.pk,
        actor="shopper",
    )
    with pytest.raises(ReturnError):
        services.receive(return_id=request.pk, actor="m", counts={request.lines.get().pk: (1, 1)})


def test_a_received_return_refunds_what_its_units_were_paid_once(delivered_at_stripe, reason):
    order = delivered_at_stripe
    request = _received(order, reason, units=1)
    line = order.lines.get()

    done = refunding.refund_return(return_id=request.pk, actor="merchant")
    again = refunding.refund_return(return_id=request.pk, actor="merchant")

    expected = totals.refund_for_lines(order, {line.pk: 1})
    assert done.status == again.status == ReturnRequest.Status.REFUNDED
    assert done.refunded_amount == expected == Money("10.00", "USD")
    assert [r["amount"] for r in _stripe_refunds(order)] == [1000]
    order.refresh_from_db()
    line.refresh_from_db()
    assert order.refunded_total == expected and line.refunded_quantity == 1
    assert order.events.filter(kind=OrderEvent.Kind.RETURN_REFUNDED).count() == 1


def test_shipping_is_refunded_only_when_the_merchant_chooses_and_once(delivered_at_stripe, reason):
    order = delivered_at_stripe
    first = _received(order, reason, units=1)
    refunding.refund_return(return_id=first.pk, actor="merchant", include_shipping=True)
    second = _received(order, reason, units=1)
    with pytest.raises(ReturnError) as refused:
        refunding.refund_return(return_id=second.pk, actor="merchant", include_shipping=True)
    assert refused.value.code == ReturnErrorCode.NOTHING_TO_REFUND
    refunding.refund_return(return_id=second.pk, actor="merchant")
    order.refresh_from_db()
    assert sorted(r["amount"] for r in _stripe_refunds(order)) == [1000, 1500]
    assert order.refunded_total == Money("25.00", "USD") == order.total
    assert order.status == order.Status.REFUNDED


def test_never_more_money_than_captured_less_refunded(delivered_at_stripe, reason):
    from payments import refunds

    order = delivered_at_stripe
    refunds.refund(order_id=order.pk, actor="merchant", amount=Money("18.00", "USD"))
    request = _received(order, reason, units=2)
    done = refunding.refund_return(return_id=request.pk, actor="merchant")
    assert done.refunded_amount == Money("7.00", "USD")  # what was left, not the $20 worth
    order.refresh_from_db()
    assert order.refunded_total == order.total
    assert sum(r["amount"] for r in _stripe_refunds(order)) == 2500


def test_a_stripe_failure_leaves_the_return_received_and_a_retry_refunds_once(
    delivered_at_stripe, reason, monkeypatch
):
    order = delivered_at_stripe
    request = _received(order, reason, units=2)
    real = gateway.create_refund

    def refused(**kwargs):
        raise gateway.StripeError("Your card issuer is unavailable.")

    monkeypatch.setattr(gateway, "create_refund", refused)
    with pytest.raises(ReturnError) as failed:
        refunding.refund_return(return_id=request.pk, actor="merchant")
    assert failed.value.code == ReturnErrorCode.REFUND_FAILED
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.RECEIVED
    assert "issuer is unavailable" in request.refund_error
    assert request.refund_started_at is None
    assert order.events.filter(kind=OrderEvent.Kind.RETURN_REFUND_FAILED).exists()
    assert _stripe_refunds(order) == []

    monkeypatch.setattr(gateway, "create_refund", real)
    done = refunding.refund_return(return_id=request.pk, actor="merchant")
    refunding.refund_return(return_id=request.pk, actor="merchant")

    assert done.status == ReturnRequest.Status.REFUNDED and done.refund_error == ""
    assert [r["amount"] for r in _stripe_refunds(order)] == [2000]
    assert list(Refund.objects.filter(order=order).values_list("status", flat=True)) == [
        "succeeded",
        "failed",
    ]
    order.refresh_from_db()
    assert order.refunded_total == Money("20.00", "USD")


def test_a_refund_whose_recording_was_lost_is_recorded_not_made_again(
    delivered_at_stripe, reason, monkeypatch
):
    """Stripe refunded, then the process died before the return was marked refunded: the
    retry finds the refund by the return's key."""
    order = delivered_at_stripe
    request = _received(order, reason, units=1)
    monkeypatch.setattr(refunding, "_finish", lambda **kwargs: None)
    monkeypatch.setattr(refunding, "record_if_ours", lambda **kwargs: None)
    refunding.refund_return(return_id=request.pk, actor="merchant")
    monkeypatch.undo()
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.RECEIVED

    done = refunding.refund_return(return_id=request.pk, actor="merchant")
    assert done.status == ReturnRequest.Status.REFUNDED
    assert [r["amount"] for r in _stripe_refunds(order)] == [1000]


def test_a_claim_under_way_refuses_a_second_refund(delivered_at_stripe, reason):
    from django.utils import timezone

    order = delivered_at_stripe
    request = _received(order, reason, units=1)
    ReturnRequest.objects.filter(pk=request.pk).update(refund_started_at=timezone.now())
    with pytest.raises(ReturnError) as refused:
        refunding.refund_return(return_id=request.pk, actor="merchant")
    assert refused.value.code == ReturnErrorCode.REFUND_UNDER_WAY
    assert _stripe_refunds(order) == []


def test_a_refund_stripe_finishes_later_completes_the_return(
    delivered_at_stripe, reason, monkeypatch
):
    """Stripe answered "pending": the return waits, received; when Stripe reports the refund
    done (charge.refunded, or sync_refunds), the return is refunded without a retry."""
    from payments import refunds

    order = delivered_at_stripe
    request = _received(order, reason, units=1)
    real = gateway.create_refund
    made = {}

    def pending(**kwargs):
        refund = real(**kwargs)
        made["id"] = refund.id
        data = refund.to_dict()
        data["status"] = "pending"
        return type(refund).construct_from(data, refund.api_key)

    monkeypatch.setattr(gateway, "create_refund", pending)
    waiting = refunding.refund_return(return_id=request.pk, actor="merchant")
    assert waiting.status == ReturnRequest.Status.RECEIVED
    with pytest.raises(ReturnError) as busy:
        refunding.refund_return(return_id=request.pk, actor="merchant")
    assert busy.value.code == ReturnErrorCode.REFUND_UNDER_WAY

    payment = order.payments.get(status="succeeded")
    refunds.sync_refunds(payment=payment, source="test")  # Stripe says: succeeded
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REFUNDED
    assert request.refunded_amount == Money("10.00", "USD")
    assert [r["amount"] for r in _stripe_refunds(order)] == [1000]
