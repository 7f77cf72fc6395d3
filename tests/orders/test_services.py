from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from moneyed import Money

from orders import services
from orders.exceptions import CheckoutError, OutOfStock
from orders.models import Order, Reservation
from orders.services.paying import PaymentOutcome
from tests.conftest import make_cart, place
from tests.factories import VariantFactory
from worker.models import OutboxEmail

pytestmark = pytest.mark.django_db


def _stock(variant):
    variant.refresh_from_db()
    return variant.stock_on_hand, variant.stock_reserved


def test_placing_an_order_freezes_lines_and_totals_and_holds_stock(shipping_method):
    tee = VariantFactory(price=Money("19.99", "USD"), stock_on_hand=5, product__name="Tee")
    mug = VariantFactory(price=Money("7.50", "USD"), stock_on_hand=2)

    order = place(make_cart((tee, 2), (mug, 1)), shipping_method)
    tee.price = Money("99.00", "USD")
    tee.save()

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.subtotal == Money("47.48", "USD")
    assert order.shipping_total == Money("5.00", "USD")
    assert order.total == Money("52.48", "USD")
    first = order.lines.first()
    assert (first.product_name, first.quantity, first.unit_price) == (
        "Tee",
        2,
        Money("19.99", "USD"),
    )
    assert _stock(tee) == (5, 2) and _stock(mug) == (2, 1)
    assert order.reservation_expires_at > timezone.now() + timedelta(minutes=14)
    assert order.events.filter(kind="placed").exists()


def test_same_checkout_token_gives_the_same_order(shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    cart = make_cart((variant, 1))

    first = place(cart, shipping_method, token="tok-1")
    second = place(cart, shipping_method, token="tok-1")

    assert first.pk == second.pk
    assert Order.objects.count() == 1
    assert _stock(variant) == (5, 1)


def test_out_of_stock_changes_nothing(shipping_method):
    plenty = VariantFactory(stock_on_hand=10)
    scarce = VariantFactory(stock_on_hand=1)
    place(make_cart((scarce, 1)), shipping_method)

    with pytest.raises(OutOfStock, match="not enough stock"):
        place(make_cart((plenty, 2), (scarce, 1)), shipping_method)

    assert Order.objects.count() == 1
    assert _stock(plenty) == (10, 0)
    assert _stock(scarce) == (1, 1)


def test_empty_cart_cannot_be_placed(shipping_method):
    with pytest.raises(CheckoutError, match="empty"):
        place(make_cart(), shipping_method)


def test_a_new_checkout_from_the_same_cart_replaces_the_unpaid_one(shipping_method):
    variant = VariantFactory(stock_on_hand=1)
    cart = make_cart((variant, 1))

    old = place(cart, shipping_method)
    new = place(cart, shipping_method)  # went back, changed the address, paid again

    old.refresh_from_db()
    assert old.status == Order.Status.CANCELLED
    assert new.status == Order.Status.PENDING_PAYMENT
    assert _stock(variant) == (1, 1)


def test_expired_orders_release_their_stock(shipping_method):
    variant = VariantFactory(stock_on_hand=3)
    order = place(make_cart((variant, 2)), shipping_method)

    assert services.expire_overdue_orders() == 0
    assert services.expire_overdue_orders(now=timezone.now() + timedelta(minutes=16)) == 1

    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED
    assert _stock(variant) == (3, 0)
    assert order.events.filter(kind="expired").exists()


def test_an_expired_hold_no_longer_blocks_other_buyers(shipping_method):
    variant = VariantFactory(stock_on_hand=1)
    first = place(make_cart((variant, 1)), shipping_method)
    Reservation.objects.filter(order=first).update(expires_at=timezone.now() - timedelta(1))

    second = place(make_cart((variant, 1)), shipping_method)

    assert second.status == Order.Status.PENDING_PAYMENT
    assert _stock(variant) == (1, 1)
    assert Reservation.objects.get(order=first).state == Reservation.State.RELEASED


def _pay(order, amount=None, reference="pi_test"):
    return services.mark_paid(
        order_id=order.pk, amount=amount or order.total, reference=reference, actor="test"
    )


def test_paying_sells_the_held_units_once(order, django_capture_on_commit_callbacks, mailoutbox):
    variant = order.lines.get().variant

    with django_capture_on_commit_callbacks(execute=True):
        assert _pay(order) == PaymentOutcome.PAID
    with django_capture_on_commit_callbacks(execute=True):
        assert _pay(order) == PaymentOutcome.ALREADY_PAID

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at
    assert _stock(variant) == (3, 0)
    assert OutboxEmail.objects.filter(order=order, status="sent").count() == 1
    assert [m.to for m in mailoutbox] == [["buyer@example.com"]]
    assert order.number in mailoutbox[0].subject


def test_a_wrong_amount_flags_the_order_instead_of_paying_it(order):
    assert _pay(order, Money("2.50", "USD"), "pi_a") == PaymentOutcome.AMOUNT_MISMATCH
    assert _pay(order, Money("25.00", "EUR"), "pi_b") == PaymentOutcome.AMOUNT_MISMATCH
    # The same payment reported again (webhook, return page, reconciliation) is told once.
    assert _pay(order, Money("25.00", "EUR"), "pi_b") == PaymentOutcome.AMOUNT_MISMATCH

    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and order.needs_attention
    assert order.events.filter(kind="payment_mismatch").count() == 2


def test_payment_after_expiry_is_accepted_while_stock_remains(order):
    services.expire_overdue_orders(now=timezone.now() + timedelta(hours=1))

    assert _pay(order) == PaymentOutcome.PAID
    assert _stock(order.lines.get().variant) == (3, 0)


def test_payment_after_expiry_with_stock_gone_is_flagged(order, shipping_method):
    variant = order.lines.get().variant
    services.expire_overdue_orders(now=timezone.now() + timedelta(hours=1))
    rival = place(make_cart((variant, 5)), shipping_method)
    _pay(rival)

    assert _pay(order) == PaymentOutcome.STOCK_GONE

    order.refresh_from_db()
    assert order.status == Order.Status.EXPIRED and order.needs_attention
    assert _stock(variant) == (0, 0)


def test_cancelling_gives_the_stock_back(order):
    services.cancel_order(order_id=order.pk, actor="merchant", reason="Customer asked")
    assert _stock(order.lines.get().variant) == (5, 0)
    with pytest.raises(CheckoutError):
        services.cancel_order(order_id=order.pk, actor="merchant")


def test_zero_decimal_currency_totals_are_whole(settings, shipping_method):
    settings.SHOP_CURRENCY = "JPY"
    shipping_method.price = Money("500", "JPY")
    shipping_method.save()
    variant = VariantFactory(price=Money(Decimal("1200"), "JPY"))
    order = place(make_cart((variant, 3)), shipping_method)
    assert order.total == Money("4100", "JPY")
    assert order.total.amount == order.total.amount.to_integral_value()
