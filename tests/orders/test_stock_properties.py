"""Random sequences of shopper and merchant actions: stock and totals stay honest."""

import contextlib
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moneyed import Money

from orders import services
from orders.exceptions import CheckoutError
from orders.models import Order, Reservation
from shop.cart import services as cart_services
from shop.cart.exceptions import CartError
from shop.cart.models import Cart, CartLine
from shop.cart.selectors import price_cart
from shop.catalog.models import Variant
from tests.conftest import place
from tests.factories import ShippingMethodFactory, VariantFactory

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

cart_ops = st.lists(
    st.tuples(
        st.sampled_from(["add", "set", "remove"]),
        st.integers(min_value=0, max_value=3),  # which variant (3 = one that does not exist)
        st.one_of(st.integers(min_value=-5, max_value=30), st.just(10**12)),
    ),
    max_size=25,
)


@SETTINGS
@given(ops=cart_ops)
def test_cart_totals_always_equal_the_sum_of_their_lines(ops):
    with transaction.atomic():
        variants = [
            VariantFactory(stock_on_hand=n, price=Money(p, "USD"))
            for n, p in ((5, "9.99"), (0, "1.00"), (20, "0.10"))
        ]
        cart = Cart.objects.create()
        for op, index, quantity in ops:
            variant_id = variants[index].pk if index < 3 else 10**9
            line = CartLine.objects.filter(cart=cart, variant_id=variant_id).first()
            try:
                if op == "add":
                    cart_services.add_line(cart=cart, variant_id=variant_id, quantity=quantity)
                elif op == "set" and line:
                    cart_services.set_quantity(
                        cart=cart, line_id=line.pk, quantity=max(quantity, 0)
                    )
                elif op == "remove" and line:
                    cart_services.remove_line(cart=cart, line_id=line.pk)
            except CartError:
                pass
            priced = price_cart(cart)
            assert priced.subtotal.amount == sum(
                (line.unit_price.amount * line.quantity for line in priced.lines),
                start=Money(0, "USD").amount,
            )
            for line in priced.lines:
                assert 1 <= line.quantity <= line.variant.available
        transaction.set_rollback(True)


actions = st.lists(
    st.tuples(
        st.sampled_from(["order", "pay", "expire", "cancel", "restock"]),
        st.lists(st.tuples(st.integers(0, 2), st.integers(1, 4)), min_size=1, max_size=3),
    ),
    max_size=20,
)


@SETTINGS
@given(steps=actions)
def test_stock_never_goes_negative_and_holds_always_add_up(steps):
    with transaction.atomic():
        shipping = ShippingMethodFactory()
        variants = [VariantFactory(stock_on_hand=n) for n in (3, 1, 6)]
        sold = {v.pk: 0 for v in variants}
        added = {v.pk: 0 for v in variants}
        now = timezone.now()
        for action, items in steps:
            pending = list(Order.objects.filter(status="pending_payment").order_by("pk"))
            if action == "order":
                cart = Cart.objects.create()
                for index, quantity in items:
                    CartLine.objects.update_or_create(
                        cart=cart, variant=variants[index], defaults={"quantity": quantity}
                    )
                with contextlib.suppress(CheckoutError):
                    place(cart, shipping)
            elif action == "pay" and pending:
                order = pending[0]
                outcome = services.mark_paid(
                    order_id=order.pk, amount=order.total, reference=f"pi_{order.pk}", actor="t"
                )
                if outcome.value == "paid":
                    for line in order.lines.all():
                        sold[line.variant_id] += line.quantity
            elif action == "expire":
                now += timedelta(minutes=20)
                services.expire_overdue_orders(now=now)
            elif action == "cancel" and pending:
                services.cancel_order(order_id=pending[-1].pk, actor="t")
            elif action == "restock":
                index, quantity = items[0]
                Variant.objects.filter(pk=variants[index].pk).update(
                    stock_on_hand=variants[index].stock_on_hand
                    + added[variants[index].pk]
                    + quantity
                    - sold[variants[index].pk]
                )
                added[variants[index].pk] += quantity

            for variant in Variant.objects.filter(pk__in=sold):
                active = (
                    Reservation.objects.filter(variant=variant, state="active").aggregate(
                        n=Sum("quantity")
                    )["n"]
                    or 0
                )
                initial = {variants[0].pk: 3, variants[1].pk: 1, variants[2].pk: 6}[variant.pk]
                assert variant.stock_on_hand >= 0
                assert 0 <= variant.stock_reserved <= variant.stock_on_hand
                assert variant.stock_reserved == active
                assert variant.stock_on_hand == initial + added[variant.pk] - sold[variant.pk]
        transaction.set_rollback(True)
