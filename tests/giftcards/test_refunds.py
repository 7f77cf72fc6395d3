"""Refunds of an order paid by two gift cards and a card: split back to where each part came
from, to store credit when the merchant chooses, an expired card's part to store credit, and a
gift card's own purchase refunded disables what is unspent on it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from moneyed import Money

from giftcards import services as giftcard_services
from giftcards.models import GiftCard, StoreCreditAccount
from orders.exceptions import RefundError
from orders.models import Order
from payments import emulator_bridge, refunds, services
from payments.models import Refund
from tests.conftest import make_cart, place
from tests.factories import UserFactory, VariantFactory
from tests.giftcards.kit import apply, books_balance, issue

pytestmark = [pytest.mark.giftcards, pytest.mark.webhooks]

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def usd(value) -> Money:
    return Money(Decimal(value), "USD")


@pytest.fixture
def buyer(db):
    return UserFactory()


@pytest.fixture
def two_cards_and_a_card(stripe_emulator, shipping_method, buyer):
    """$25 order: $10 and $5 on gift cards, $10 by card at Stripe; paid."""
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))
    apply(cart, issue("10.00").code)
    apply(cart, issue("5.00").code)
    order = place(cart, shipping_method, user=buyer)
    assert order.amount_due == usd("10.00")
    session = services.start_payment(order_id=order.pk)
    assert session.payment.amount == usd("10.00")  # Stripe asked for the rest only
    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    assert services.sync_payment_intent(payment=session.payment, source="test") == "paid"
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    return order


def _card_balances():
    return sorted(GiftCard.objects.values_list("balance", flat=True))


def test_a_partial_refund_is_split_back_to_card_and_gift_cards(two_cards_and_a_card):
    order = two_cards_and_a_card
    plan = refunds.plan_refund(order_id=order.pk, amount=usd("10.00"))
    assert plan.split.to_card == usd("4.00") and plan.split.to_prepaid == usd("6.00")
    refunds.refund(order_id=order.pk, actor="staff", reason="broken", amount=usd("10.00"))
    order.refresh_from_db()
    assert order.refunded_total == usd("10.00")
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert _card_balances() == [Decimal("0.000"), Decimal("6.000")]  # the first card first
    card_refund = Refund.objects.get()
    assert (card_refund.amount, card_refund.status) == (usd("4.00"), "succeeded")
    # The rest: all that is left, each side what it has left.
    refunds.refund(order_id=order.pk, actor="staff", reason="all of it")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert _card_balances() == [Decimal("5.000"), Decimal("10.000")]
    assert order.payments.get().amount_refunded == usd("10.00")
    with pytest.raises(RefundError):
        refunds.refund(order_id=order.pk, actor="staff", reason="again", amount=usd("1.00"))
    books_balance()


def test_a_refund_to_store_credit_counts_against_what_is_left(two_cards_and_a_card, buyer):
    order = two_cards_and_a_card
    made = refunds.refund(
        order_id=order.pk, actor="staff", reason="sorry", amount=usd("20.00"),
        to_store_credit=True,
    )  # fmt: skip
    assert made.amount == usd("20.00")
    account = StoreCreditAccount.objects.get(user=buyer)
    assert account.balance == Decimal("20.00")
    assert not Refund.objects.exists()  # Stripe was not asked
    with pytest.raises(RefundError):  # only $5 is left of the $25 paid
        refunds.refund(order_id=order.pk, actor="staff", reason="x", amount=usd("6.00"))
    books_balance()


def test_the_same_confirmation_twice_refunds_once(two_cards_and_a_card):
    order = two_cards_and_a_card
    for _ in range(2):
        refunds.refund(
            order_id=order.pk, actor="staff", reason="r", amount=usd("3.00"),
            idempotency_key="refund-same",
        )  # fmt: skip
    order.refresh_from_db()
    assert order.refunded_total == usd("3.00")


def test_an_expired_cards_part_goes_to_store_credit(two_cards_and_a_card, buyer):
    order = two_cards_and_a_card
    GiftCard.objects.update(expires_at=timezone.now() - timedelta(days=1))
    refunds.refund(order_id=order.pk, actor="staff", reason="late", amount=usd("15.00"))
    assert _card_balances() == [0, 0]
    account = StoreCreditAccount.objects.get(user=buyer)
    assert account.balance > 0
    order.refresh_from_db()
    assert order.refunded_total == usd("15.00")
    books_balance()


def test_an_order_paid_by_gift_cards_alone_is_refunded_without_stripe(shipping_method, db):
    cart = make_cart((VariantFactory(stock_on_hand=5), 1))
    apply(cart, issue("50.00").code)
    order = place(cart, shipping_method)
    assert order.status == Order.Status.PAID
    refunds.refund(order_id=order.pk, actor="staff", reason="returned")
    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED
    assert _card_balances() == [Decimal("50.000")]
    books_balance()


def test_refunding_a_gift_cards_purchase_disables_what_is_unspent(db, shipping_method):
    issued = giftcard_services.issue_card(
        amount=Decimal("25.00"), currency="USD", actor="shop", order_id=1234, order_line_id=99
    )
    taken = giftcard_services.disable_bought(
        order_id=1234, line_ids=[99], everything=False, actor="staff"
    )
    card = GiftCard.objects.get(pk=issued.card.pk)
    assert taken == Decimal("25.00")
    assert card.is_disabled and card.balance == 0
    books_balance()


def test_the_admin_refunds_to_store_credit_and_shows_the_ledger_on_the_order(
    two_cards_and_a_card, buyer, client
):
    from django.urls import reverse

    order = two_cards_and_a_card
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:orders_order_change", args=[order.pk])).content.decode()
    assert page.count("Used for an order: •••• ") == 2  # the two cards, last four only
    url = reverse("admin:orders_order_refund", args=[order.pk])
    form = client.get(url).content.decode()
    assert 'data-testid="prepaid-refundable"' in form and "Refund to store credit" in form
    review = client.post(url, {"what": "amount", "amount": "5.00", "reason": "dented",
                               "to_store_credit": "on"})  # fmt: skip
    assert review.status_code == 200, review.content.decode()[:2000]
    assert "$5.00 as store credit for the customer" in review.content.decode()
    confirmation = review.context["confirmation"]
    client.post(url, {"confirmation": confirmation})
    assert StoreCreditAccount.objects.get(user=buyer).balance == Decimal("5.00")
    order.refresh_from_db()
    assert order.refunded_total == usd("5.00")
    assert not Refund.objects.exists()
