"""Fifty checkouts at once redeeming one gift card or one store-credit account, on PostgreSQL
with real threads and connections: never more than the balance is taken, and placing retried
never captures twice."""

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import close_old_connections, connections
from django.db.models import Sum

from giftcards import services
from giftcards.models import CartRedemption, GiftCard, LedgerEntry, StoreCreditAccount
from orders.exceptions import CheckoutError
from orders.models import Order
from tests.conftest import make_cart, place
from tests.factories import ShippingMethodFactory, UserFactory, VariantFactory
from tests.giftcards.kit import books_balance, credit, issue

pytestmark = [
    pytest.mark.giftcards,
    pytest.mark.concurrency,
    pytest.mark.django_db(transaction=True),
]

BUYERS = 50


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
        thread.join(timeout=120)
    close_old_connections()
    return results


def _taken(**filters) -> Decimal:
    rows = LedgerEntry.objects.filter(kind="capture", **filters)
    return -(rows.aggregate(s=Sum("amount"))["s"] or Decimal(0))


def test_fifty_checkouts_on_one_card_never_take_more_than_its_balance(require_postgres, settings):
    settings.GIFT_CARD_LOOKUP_RATE = "1000/h"
    shipping = ShippingMethodFactory()  # $5
    variant = VariantFactory(stock_on_hand=1000)
    code = issue("100.00").code
    card = GiftCard.objects.get()
    carts = [make_cart((variant, 1)) for _ in range(BUYERS)]  # $15 each

    results = _run_at_once([lambda c=c: _place_with_card(c, code, shipping) for c in carts])

    orders = [r for r in results if isinstance(r, Order)]
    card.refresh_from_db()
    assert card.balance >= 0
    assert _taken(gift_card=card) <= Decimal("100.00")
    assert _taken(gift_card=card) == Decimal("100.00") - card.balance
    assert sum(o.prepaid_total.amount for o in orders) == _taken(gift_card=card)
    assert all(isinstance(r, (Order, CheckoutError)) for r in results), results
    books_balance()
    print(f"\n{BUYERS} checkouts on one $100 card: {len(orders)} orders, took {_taken()}")


def _place_with_card(cart, code, shipping):
    """A shopper's checkout: the card applied (moving its hold here), then the order placed.
    A checkout whose hold moved on before placing pays without it, as its review page says."""
    services.apply_card(cart=cart, code=code, client_ip="10.0.0.1", session_key=str(cart.pk))
    return place(cart, shipping)


def test_fifty_checkouts_on_one_credit_account_never_overspend(require_postgres):
    shipping = ShippingMethodFactory()
    variant = VariantFactory(stock_on_hand=1000)
    user = UserFactory()
    account = credit(user, "100.00")
    carts = []
    for _ in range(BUYERS):
        cart = make_cart((variant, 1))
        CartRedemption.objects.create(cart=cart, account=account)
        carts.append(cart)

    results = _run_at_once([lambda c=c: place(c, shipping, user=user) for c in carts])

    orders = [r for r in results if isinstance(r, Order)]
    account = StoreCreditAccount.objects.get(pk=account.pk)
    assert all(isinstance(r, Order) for r in results), results
    assert account.balance >= 0
    assert _taken(account=account) == Decimal("100.00") - account.balance
    assert _taken(account=account) <= Decimal("100.00")
    paid_in_full = [o for o in orders if o.status == "paid"]
    assert len(paid_in_full) == 6  # $15 each: six whole, the seventh $10 of it
    assert sum(o.prepaid_total.amount for o in orders) == Decimal("100.00")
    books_balance()


def test_placing_retried_at_once_captures_once(require_postgres):
    shipping = ShippingMethodFactory()
    variant = VariantFactory(stock_on_hand=10)
    issue("10.00")
    card = GiftCard.objects.get()
    cart = make_cart((variant, 2))
    CartRedemption.objects.create(cart=cart, gift_card=card)
    token = uuid.uuid4().hex

    results = _run_at_once([lambda: place(cart, shipping, token=token) for _ in range(10)])

    assert all(isinstance(r, Order) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert LedgerEntry.objects.filter(kind="capture").count() == 1
    card.refresh_from_db()
    assert card.balance == 0
    books_balance()
