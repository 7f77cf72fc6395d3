"""The last units, many buyers at once, on PostgreSQL with real threads and connections."""

import threading
import time
import uuid

import pytest
from django.db import close_old_connections, connections

from orders.exceptions import OutOfStock
from orders.models import Order
from orders.services.paying import PaymentOutcome, mark_paid
from tests.conftest import make_cart, place
from tests.factories import ShippingMethodFactory, VariantFactory

pytestmark = [pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]


def _run_at_once(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    return results


def test_twenty_buyers_for_five_units_make_exactly_five_orders(require_postgres):
    shipping = ShippingMethodFactory()
    last_units = VariantFactory(stock_on_hand=5)
    carts = [make_cart((last_units, 1)) for _ in range(20)]

    started = time.monotonic()
    results = _run_at_once([lambda c=c: place(c, shipping) for c in carts])
    placed = [r for r in results if isinstance(r, Order)]
    sold_out = [r for r in results if isinstance(r, OutOfStock)]
    payments = _run_at_once(
        [
            lambda o=o: mark_paid(
                order_id=o.pk, amount=o.total, reference=f"pi_{uuid.uuid4().hex}", actor="test"
            )
            for o in placed
        ]
    )
    elapsed = time.monotonic() - started

    last_units.refresh_from_db()
    assert len(placed) == 5, results
    assert len(sold_out) == 15
    assert all("not enough stock" in str(e) for e in sold_out)
    assert payments == [PaymentOutcome.PAID] * 5
    assert (last_units.stock_on_hand, last_units.stock_reserved) == (0, 0)
    assert Order.objects.filter(status="paid").count() == 5
    print(f"\n20 buyers, 5 units: 5 orders, 15 sold out, 5 paid in {elapsed:.2f}s")


def test_carts_locking_rows_in_opposite_orders_never_deadlock(require_postgres):
    shipping = ShippingMethodFactory()
    a, b, c = (VariantFactory(stock_on_hand=100) for _ in range(3))
    carts = []
    for i in range(12):
        items = [(a, 1), (b, 1), (c, 1)]
        carts.append(make_cart(*(items if i % 2 else list(reversed(items)))))

    results = _run_at_once([lambda c=c: place(c, shipping) for c in carts])

    assert all(isinstance(r, Order) for r in results), results
    for variant in (a, b, c):
        variant.refresh_from_db()
        assert variant.stock_reserved == 12 and variant.stock_on_hand == 100


def test_a_voucher_limited_to_one_use_is_used_once(require_postgres):
    from decimal import Decimal

    from orders.exceptions import VoucherError
    from orders.models import Voucher, VoucherRedemption
    from orders.services.placing import place_order
    from tests.conftest import ADDRESS

    shipping = ShippingMethodFactory()
    Voucher.objects.create(code="ONCE", kind="percentage", value=Decimal("50"), usage_limit=1)
    carts = [make_cart((VariantFactory(stock_on_hand=5), 1)) for _ in range(10)]

    results = _run_at_once(
        [
            lambda c=c, i=i: place_order(
                cart=c,
                email=f"b{i}@example.com",
                address=ADDRESS,
                shipping_method=shipping,
                checkout_token=f"v{i}",
                voucher_code="ONCE",
            )
            for i, c in enumerate(carts)
        ]
    )

    assert sum(isinstance(r, Order) for r in results) == 1, results
    assert sum(isinstance(r, VoucherError) and "used up" in str(r) for r in results) == 9
    assert VoucherRedemption.objects.count() == 1


def test_a_double_submitted_checkout_makes_one_order(require_postgres):
    shipping = ShippingMethodFactory()
    variant = VariantFactory(stock_on_hand=3)
    cart = make_cart((variant, 2))

    results = _run_at_once([lambda: place(cart, shipping, token="same-click")] * 8)

    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    variant.refresh_from_db()
    assert variant.stock_reserved == 2
