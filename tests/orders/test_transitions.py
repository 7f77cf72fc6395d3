"""The life of an order is one table (orders.models.TRANSITIONS): every status change the
services make is in it, and a move it does not allow is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from moneyed import Money

from orders import services
from orders.exceptions import CheckoutError, CheckoutErrorCode, OrderStatusError
from orders.models import TRANSITIONS, Order, OrderEvent
from tests.conftest import make_cart, place
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moves(monkeypatch):
    """Every (from, to) that goes through Order.move_to while the test runs."""
    seen: list[tuple[str, str]] = []
    real = Order.move_to

    def recording(self, status):
        seen.append((self.status, status))
        real(self, status)

    monkeypatch.setattr(Order, "move_to", recording)
    return seen


def _status(order: Order) -> str:
    order.refresh_from_db()
    return order.status


def test_the_table_names_every_status_and_only_statuses():
    statuses = set(Order.Status.values)
    assert set(TRANSITIONS) == statuses
    assert set().union(*TRANSITIONS.values()) <= statuses
    assert TRANSITIONS[Order.Status.REFUNDED] == frozenset()  # the end of the road


def test_every_status_change_the_services_make_is_in_the_table(shipping_method, moves):
    variant = VariantFactory(stock_on_hand=10)
    total = Money("25.00", "USD")
    changes: list[tuple[str, str]] = []

    def step(order, action):
        before = _status(order)
        action()
        after = _status(order)
        if after != before:
            changes.append((before, after))

    # placed, paid, shipped, delivered, refunded in full
    sold = place(make_cart((variant, 2)), shipping_method)
    step(
        sold,
        lambda: services.mark_paid(order_id=sold.pk, amount=total, reference="pi_1", actor="t"),
    )
    step(
        sold,
        lambda: services.mark_shipped(
            order_id=sold.pk, carrier="UPS", tracking_number="1Z", actor="t"
        ),
    )
    step(sold, lambda: services.mark_delivered(order_id=sold.pk, actor="t"))
    step(
        sold,
        lambda: services.record_refund(order_id=sold.pk, amount=total, reference="re_1", actor="t"),
    )
    # paid, partly refunded, shipped
    partly = place(make_cart((variant, 2)), shipping_method)
    step(
        partly,
        lambda: services.mark_paid(order_id=partly.pk, amount=total, reference="pi_2", actor="t"),
    )
    step(
        partly,
        lambda: services.record_refund(
            order_id=partly.pk, amount=Money("5", "USD"), reference="re_2", actor="t"
        ),
    )
    step(
        partly,
        lambda: services.mark_shipped(
            order_id=partly.pk, carrier="UPS", tracking_number="", actor="t"
        ),
    )
    # unpaid and overdue: expired, then paid late, then its payment given back
    late = place(make_cart((variant, 2)), shipping_method)
    Order.objects.filter(pk=late.pk).update(
        reservation_expires_at=timezone.now() - timedelta(minutes=1)
    )
    step(late, lambda: services.expire_if_overdue(order_id=late.pk))
    step(
        late,
        lambda: services.mark_paid(order_id=late.pk, amount=total, reference="pi_3", actor="t"),
    )
    # cancelled unpaid; cancelled paid, then refunded once settled
    unpaid = place(make_cart((variant, 1)), shipping_method)
    step(unpaid, lambda: services.cancel_order(order_id=unpaid.pk, actor="merchant"))
    paid = place(make_cart((variant, 2)), shipping_method)
    step(
        paid,
        lambda: services.mark_paid(order_id=paid.pk, amount=total, reference="pi_4", actor="t"),
    )
    step(paid, lambda: services.cancel_order(order_id=paid.pk, actor="merchant"))
    step(
        paid,
        lambda: services.record_refund(
            order_id=paid.pk, amount=total, reference="re_4", actor="t", settled=True
        ),
    )
    # a new checkout from the same cart replaces the unpaid one
    cart = make_cart((variant, 1))
    replaced = place(cart, shipping_method)
    step(replaced, lambda: place(cart, shipping_method))

    assert set(changes) >= {
        (Order.Status.PENDING_PAYMENT, Order.Status.PAID),
        (Order.Status.PAID, Order.Status.SHIPPED),
        (Order.Status.SHIPPED, Order.Status.DELIVERED),
        (Order.Status.DELIVERED, Order.Status.REFUNDED),
        (Order.Status.PAID, Order.Status.PARTIALLY_REFUNDED),
        (Order.Status.PARTIALLY_REFUNDED, Order.Status.SHIPPED),
        (Order.Status.PENDING_PAYMENT, Order.Status.EXPIRED),
        (Order.Status.PENDING_PAYMENT, Order.Status.CANCELLED),
        (Order.Status.PAID, Order.Status.CANCELLED),
        (Order.Status.CANCELLED, Order.Status.REFUNDED),
    }
    assert (Order.Status.EXPIRED, Order.Status.PAID) in changes or late.needs_attention
    for before, after in changes:
        assert after in TRANSITIONS[before], f"{before} -> {after} is not in the table"
    # every one of them went through Order.move_to
    assert set(changes) <= set(moves)


def test_a_move_the_table_does_not_allow_is_refused_and_nothing_is_saved(order):
    with pytest.raises(OrderStatusError):
        order.move_to(Order.Status.DELIVERED)
    assert order.status == Order.Status.PENDING_PAYMENT
    assert _status(order) == Order.Status.PENDING_PAYMENT


def test_a_delivered_order_cannot_be_cancelled_and_says_why_with_a_code(order):
    services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_x", actor="t")
    services.mark_shipped(order_id=order.pk, carrier="UPS", tracking_number="", actor="t")
    services.mark_delivered(order_id=order.pk, actor="t")

    with pytest.raises(CheckoutError) as refused:
        services.cancel_order(order_id=order.pk, actor="merchant")
    assert refused.value.code == CheckoutErrorCode.NOT_CANCELLABLE
    assert _status(order) == Order.Status.DELIVERED


def test_an_event_kind_not_declared_is_refused(order):
    with pytest.raises(ValueError):
        services.record_event(order=order, kind="made_up", message="?")
    assert not order.events.filter(kind="made_up").exists()
    assert order.events.filter(kind=OrderEvent.Kind.PLACED).exists()
