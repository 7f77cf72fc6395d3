"""Delivered orders to return: paid through the Stripe emulator when the test refunds money,
or marked paid directly when it only needs the rules and the stock."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from payments import emulator_bridge, services
from returns.models import ReturnReason
from tests.conftest import make_cart, place
from tests.factories import VariantFactory

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def deliver(order: Order, *, days_ago: int = 0) -> Order:
    order_services.mark_shipped(order_id=order.pk, carrier="UPS", tracking_number="1Z", actor="t")
    order_services.mark_delivered(order_id=order.pk, actor="t")
    if days_ago:
        Order.objects.filter(pk=order.pk).update(
            delivered_at=timezone.now() - timedelta(days=days_ago)
        )
    order.refresh_from_db()
    return order


def paid_without_stripe(order: Order) -> Order:
    order_services.mark_paid(
        order_id=order.pk, amount=order.total, reference=f"pi_{uuid.uuid4().hex}", actor="t"
    )
    order.refresh_from_db()
    return order


def paid_at_stripe(order: Order) -> Order:
    session = services.start_payment(order_id=order.pk)
    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    assert services.sync_payment_intent(payment=session.payment, source="test") == "paid"
    order.refresh_from_db()
    return order


def _reason(english: str, *, photos: bool = False) -> ReturnReason:
    """One of the reasons the migration adds (made again after a transactional test's flush)."""
    found = ReturnReason.objects.filter(name_en=english).first()
    return found or ReturnReason.objects.create(name=english, name_en=english, needs_photos=photos)


@pytest.fixture
def reason(db):
    return _reason("It does not fit")


@pytest.fixture
def damaged(db):
    return _reason("It arrived damaged", photos=True)


@pytest.fixture
def variant(db):
    return VariantFactory(stock_on_hand=5)


@pytest.fixture
def delivered(db, shipping_method, variant):
    """2 × $10.00 + $5.00 shipping, paid (no Stripe) and delivered today; 3 units left."""
    order = place(make_cart((variant, 2)), shipping_method)
    return deliver(paid_without_stripe(order))


@pytest.fixture
def delivered_at_stripe(stripe_emulator, shipping_method, variant):
    """The same order, paid through the Stripe emulator, so refunds really happen."""
    order = place(make_cart((variant, 2)), shipping_method)
    return deliver(paid_at_stripe(order))
