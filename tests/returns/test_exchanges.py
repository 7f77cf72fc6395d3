"""An exchange: the replacement is held when approved, leaves as a new shipment of the order
once the original is in, and a cheaper replacement's difference is refunded once."""

from decimal import Decimal

import pytest
from moneyed import Money

from orders.models import OrderEvent
from payments import gateway
from returns import exchanges, refunding, services
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnRequest
from tests.factories import VariantFactory

pytestmark = [pytest.mark.returns, pytest.mark.django_db]


def _exchange(order, reason, replacement, units=1):
    return services.request_return(
        order_id=order.pk,
        quantities={order.lines.get().pk: units},
        reason_id=reason.pk,
        actor="shopper",
        kind=ReturnRequest.Kind.EXCHANGE,
        replacements={order.lines.get().pk: replacement.pk},
    )


def test_the_replacement_is_held_on_approval_and_shipped_after_receipt(delivered, reason, variant):
    other = VariantFactory(product=variant.product, stock_on_hand=3)
    request = _exchange(delivered, reason, other)
    services.approve(return_id=request.pk, actor="merchant")
    other.refresh_from_db()
    assert (other.stock_on_hand, other.stock_reserved) == (3, 1)
    assert delivered.events.filter(kind=OrderEvent.Kind.EXCHANGE_RESERVED).exists()

    with pytest.raises(ReturnError):  # not before the original is in
        exchanges.ship_replacements(return_id=request.pk, actor="m", carrier="UPS")
    line = request.lines.get()
    services.receive(return_id=request.pk, actor="merchant", counts={line.pk: (1, 1)})
    exchanges.ship_replacements(
        return_id=request.pk, actor="merchant", carrier="UPS", tracking_number="1Z9"
    )
    exchanges.ship_replacements(return_id=request.pk, actor="merchant", carrier="UPS")  # twice

    other.refresh_from_db()
    variant.refresh_from_db()
    assert (other.stock_on_hand, other.stock_reserved) == (2, 0)
    request.refresh_from_db()
    assert request.replacement_tracking_number == "1Z9"
    assert delivered.events.filter(kind=OrderEvent.Kind.EXCHANGE_SHIPPED).count() == 1
    services.close(return_id=request.pk, actor="merchant")
    other.refresh_from_db()
    assert (other.stock_on_hand, other.stock_reserved) == (2, 0)


def test_an_exchange_needs_another_variant_of_the_same_product(delivered, reason, variant):
    stranger = VariantFactory(stock_on_hand=3)
    for replacement in (stranger, variant):
        with pytest.raises(ReturnError) as refused:
            _exchange(delivered, reason, replacement)
        assert refused.value.code == ReturnErrorCode.BAD_REPLACEMENT
    assert not ReturnRequest.objects.exists()


def test_no_replacement_in_stock_refuses_the_approval(delivered, reason, variant):
    other = VariantFactory(product=variant.product, stock_on_hand=0)
    request = _exchange(delivered, reason, other)
    with pytest.raises(ReturnError) as refused:
        services.approve(return_id=request.pk, actor="merchant")
    assert refused.value.code == ReturnErrorCode.OUT_OF_STOCK
    request.refresh_from_db()
    assert request.status == ReturnRequest.Status.REQUESTED


def test_closing_an_approved_exchange_puts_the_held_replacement_back_on_sale(
    delivered, reason, variant
):
    other = VariantFactory(product=variant.product, stock_on_hand=3)
    request = _exchange(delivered, reason, other)
    services.approve(return_id=request.pk, actor="merchant")
    services.close(return_id=request.pk, actor="merchant", note="Never sent.")
    other.refresh_from_db()
    assert (other.stock_on_hand, other.stock_reserved) == (3, 0)


def test_a_cheaper_replacement_refunds_the_difference_once(delivered_at_stripe, reason, variant):
    order = delivered_at_stripe
    cheaper = VariantFactory(
        product=variant.product, stock_on_hand=3, price=Money(Decimal("7.50"), "USD")
    )
    request = _exchange(order, reason, cheaper)
    services.approve(return_id=request.pk, actor="merchant")
    request.refresh_from_db()
    assert request.price_difference == Decimal("-2.50")
    line = request.lines.get()
    services.receive(return_id=request.pk, actor="merchant", counts={line.pk: (1, 1)})

    done = refunding.refund_return(return_id=request.pk, actor="merchant")
    refunding.refund_return(return_id=request.pk, actor="merchant")
    assert done.refunded_amount == Money("2.50", "USD")
    payment = order.payments.get(status="succeeded")
    assert [r["amount"] for r in gateway.list_refunds(payment.stripe_payment_intent_id)] == [250]
    order.lines.get().refresh_from_db()
    assert order.lines.get().refunded_quantity == 0  # exchanged, not refunded


def test_a_dearer_replacement_has_nothing_to_refund(delivered, reason, variant):
    dearer = VariantFactory(
        product=variant.product, stock_on_hand=3, price=Money(Decimal("12.00"), "USD")
    )
    request = _exchange(delivered, reason, dearer)
    services.approve(return_id=request.pk, actor="merchant")
    request.refresh_from_db()
    assert request.price_difference == Decimal("2.00")
    line = request.lines.get()
    services.receive(return_id=request.pk, actor="merchant", counts={line.pk: (1, 1)})
    with pytest.raises(ReturnError) as refused:
        refunding.refund_return(return_id=request.pk, actor="merchant")
    assert refused.value.code == ReturnErrorCode.NOTHING_TO_REFUND


def test_exchanged_units_cannot_be_returned_again(delivered, reason, variant):
    other = VariantFactory(product=variant.product, stock_on_hand=3)
    request = _exchange(delivered, reason, other, units=2)
    services.approve(return_id=request.pk, actor="merchant")
    line = request.lines.get()
    services.receive(return_id=request.pk, actor="merchant", counts={line.pk: (2, 2)})
    exchanges.ship_replacements(return_id=request.pk, actor="merchant", carrier="UPS")
    services.close(return_id=request.pk, actor="merchant")
    with pytest.raises(ReturnError) as refused:
        services.request_return(
            order_id=delivered.pk,
            quantities={delivered.lines.get().pk: 1},
            reason_id=reason.pk,
            actor="shopper",
        )
    assert refused.value.code == ReturnErrorCode.TOO_MANY_UNITS


def test_a_dearer_replacement_is_paid_through_a_link_never_automatically(
    client, delivered_at_stripe, reason, variant
):
    from django.urls import reverse

    from orders.selectors import signed_order_url
    from payments import emulator_bridge
    from payments.models import Payment
    from tests.returns.conftest import GOOD_CARD

    order = delivered_at_stripe
    dearer = VariantFactory(
        product=variant.product, stock_on_hand=3, price=Money(Decimal("12.00"), "USD")
    )
    request = _exchange(order, reason, dearer)
    services.approve(return_id=request.pk, actor="merchant")
    assert Payment.objects.filter(order=order).count() == 1  # nothing charged or started

    client.get(signed_order_url(order))
    page = client.get(order.get_absolute_url()).content.decode()
    pay_url = reverse("returns:pay_difference", args=[order.number, request.pk])
    assert pay_url in page and "$2.00 more" in page

    first = client.get(pay_url)
    again = client.get(pay_url)
    assert first.status_code == again.status_code == 200
    request.refresh_from_db()
    extra = Payment.objects.get(stripe_payment_intent_id=request.difference_payment_intent)
    assert extra.amount == Money("2.00", "USD") and extra.status != "succeeded"
    assert Payment.objects.filter(order=order).count() == 2
    secret = first.content.decode().split('data-client-secret="')[1].split('"')[0]
    emulator_bridge.confirm_with_card(client_secret=secret, **GOOD_CARD)

    back = client.get(reverse("returns:difference_paid", args=[order.number, request.pk]))
    assert back.status_code == 302
    assert exchanges.difference_paid(request)
    order.refresh_from_db()
    assert order.status == order.Status.DELIVERED and not order.needs_attention
    assert client.get(pay_url).status_code == 302  # paid: nothing more to pay
    assert "You have paid the difference" in client.get(order.get_absolute_url()).content.decode()


def test_no_difference_page_when_nothing_is_owed(client, delivered, reason, variant):
    from django.urls import reverse

    from orders.selectors import signed_order_url

    other = VariantFactory(product=variant.product, stock_on_hand=3)
    request = _exchange(delivered, reason, other)
    services.approve(return_id=request.pk, actor="merchant")
    client.get(signed_order_url(delivered))
    answer = client.get(reverse("returns:pay_difference", args=[delivered.number, request.pk]))
    assert answer.status_code == 302
    assert (
        client.get(
            reverse("returns:pay_difference", args=[delivered.number, request.pk + 999])
        ).status_code
        == 404
    )
