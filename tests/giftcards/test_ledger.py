"""The ledger: issuing, applying, capturing at placing, releasing on expiry, store credit used
soonest-expiring first, and balances that always equal the ledger's sums."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from moneyed import Money

from giftcards import codes, services
from giftcards.exceptions import GiftCardError, GiftCardErrorCode
from giftcards.models import CartRedemption, GiftCard, LedgerEntry
from orders import services as order_services
from orders.exceptions import CheckoutError, CheckoutErrorCode
from orders.models import Order
from tests.conftest import make_cart, place
from tests.factories import ProductFactory, UserFactory, VariantFactory
from tests.giftcards.kit import apply, books_balance, credit, hold, issue, ledger_sum

pytestmark = [pytest.mark.giftcards, pytest.mark.django_db]


def usd(value) -> Money:
    return Money(Decimal(value), "USD")


def test_a_code_is_sixteen_unambiguous_characters_stored_only_as_a_hash():
    issued = issue("30.00")
    card = GiftCard.objects.get()
    assert len(issued.code) == 16 and set(issued.code) <= set(codes.ALPHABET)
    assert not set(issued.code) & set("01OIL")
    assert issued.grouped_code.count("-") == 3
    assert card.last4 == issued.code[-4:]
    assert issued.code not in card.code_hash and card.code_hash == codes.code_hash(issued.code)
    assert str(card) == f"•••• {card.last4}"
    assert card.balance == Decimal("30.00")
    assert list(card.entries.values_list("kind", "amount")) == [("issue", Decimal("30.000"))]


def test_typed_codes_are_found_in_any_case_with_spaces_or_dashes():
    issued = issue()
    cart = make_cart((VariantFactory(), 1))
    typed = issued.grouped_code.lower().replace("-", " ")
    assert apply(cart, typed).pk == GiftCard.objects.get().pk


@pytest.mark.parametrize("why", ["unknown", "disabled", "expired", "currency", "empty"])
def test_every_unusable_code_gets_the_same_message_and_changes_nothing(why):
    issued = issue(currency="EUR" if why == "currency" else "USD")
    card = GiftCard.objects.get()
    if why == "disabled":
        services.disable_card(card_id=card.pk, actor="staff", reason="lost")
    if why == "expired":
        GiftCard.objects.filter(pk=card.pk).update(expires_at=timezone.now() - timedelta(days=1))
    if why == "empty":
        GiftCard.objects.filter(pk=card.pk).update(balance=0)
    code = "ABCDEFGHJKMNPQRS" if why == "unknown" else issued.code
    cart = make_cart((VariantFactory(), 1))
    before = LedgerEntry.objects.count()
    with pytest.raises(GiftCardError) as refused:
        apply(cart, code)
    assert str(refused.value) == "That gift card cannot be used."
    assert not CartRedemption.objects.exists()
    assert LedgerEntry.objects.count() == before


def test_lookups_are_rate_limited_per_address_and_per_session(settings):
    settings.GIFT_CARD_LOOKUP_RATE = "3/h"
    issued = issue()
    cart = make_cart((VariantFactory(), 1))
    for _ in range(3):
        with pytest.raises(GiftCardError):
            apply(cart, "ABCDEFGHJKMNPQRS", ip="10.0.0.9", session="a")
    with pytest.raises(GiftCardError) as refused:  # the right code, but too many tries
        apply(cart, issued.code, ip="10.0.0.9", session="b")
    assert refused.value.code == GiftCardErrorCode.TOO_MANY_TRIES
    assert str(refused.value) == "That gift card cannot be used."
    with pytest.raises(GiftCardError):  # another address, the same session
        apply(cart, issued.code, ip="10.0.0.10", session="a")
    assert apply(cart, issued.code, ip="10.0.0.11", session="c")


def test_a_card_is_held_by_one_checkout_at_a_time():
    issued = issue()
    first, second = make_cart((VariantFactory(), 1)), make_cart((VariantFactory(), 1))
    apply(first, issued.code)
    apply(second, issued.code)
    card = GiftCard.objects.get()
    assert card.hold.cart_id == second.pk
    kinds = list(card.entries.values_list("kind", "cart_id"))
    assert kinds == [
        ("issue", None),
        ("hold", first.pk),
        ("release", first.pk),
        ("hold", second.pk),
    ]
    assert card.balance == Decimal("30.00")


def test_at_most_five_cards_on_one_checkout():
    cart = make_cart((VariantFactory(), 1))
    for _ in range(5):
        apply(cart, issue("1.00").code)
    with pytest.raises(GiftCardError) as refused:
        apply(cart, issue("1.00").code)
    assert refused.value.code == GiftCardErrorCode.TOO_MANY_CARDS


def test_two_cards_pay_part_of_an_order_and_stripe_is_left_the_rest(shipping_method):
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))  # $20 + $5 shipping
    a, b = issue("10.00"), issue("8.50")
    apply(cart, a.code)
    apply(cart, b.code)
    order = place(cart, shipping_method)
    assert order.total == usd("25.00")
    assert order.prepaid_total == usd("18.50")
    assert order.amount_due == usd("6.50")
    assert order.status == Order.Status.PENDING_PAYMENT
    assert sorted(GiftCard.objects.values_list("balance", flat=True)) == [0, 0]
    assert ledger_sum(order_id=order.pk, kind="capture") == Decimal("-18.50")
    assert not CartRedemption.objects.exists()
    books_balance()


def test_the_payment_must_be_what_is_due_not_the_total(shipping_method):
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))
    apply(cart, issue("10.00").code)
    order = place(cart, shipping_method)
    wrong = order_services.mark_paid(
        order_id=order.pk, amount=order.total, reference="pi_1", actor="test"
    )
    assert wrong is order_services.PaymentOutcome.AMOUNT_MISMATCH
    right = order_services.mark_paid(
        order_id=order.pk, amount=usd("15.00"), reference="pi_1", actor="test"
    )
    assert right is order_services.PaymentOutcome.PAID


def test_an_order_the_cards_cover_is_paid_without_a_payment(
    shipping_method, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock_on_hand=5)
    cart = make_cart((variant, 2))
    issued = issue("100.00")
    apply(cart, issued.code)
    with django_capture_on_commit_callbacks(execute=True):
        order = place(cart, shipping_method)
    assert order.status == Order.Status.PAID
    assert order.amount_due == usd("0.00")
    assert not order.payments.exists()
    assert GiftCard.objects.get().balance == Decimal("75.00")
    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (3, 0)
    assert order.events.filter(kind="paid").count() == 1
    assert not cart.lines.exists()
    from worker.models import OutboxEmail

    assert OutboxEmail.objects.filter(order=order, kind="order_confirmation").count() == 1


def test_placing_retried_captures_once(shipping_method):
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))
    apply(cart, issue("10.00").code)
    first = place(cart, shipping_method, token="same")
    again = place(cart, shipping_method, token="same")
    assert first.pk == again.pk
    assert LedgerEntry.objects.filter(kind="capture").count() == 1
    assert GiftCard.objects.get().balance == 0


def test_the_database_refuses_a_second_capture_for_one_order(shipping_method):
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))
    apply(cart, issue("40.00").code)
    order = place(cart, shipping_method)
    card = GiftCard.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            gift_card=card, kind="capture", amount=-1, currency="USD", balance_after=0,
            order_id=order.pk,
        )  # fmt: skip


def test_a_balance_can_never_go_below_zero():
    issue("5.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        GiftCard.objects.update(balance=-1)


def test_an_expired_unpaid_order_gives_back_what_it_took(shipping_method):
    user = UserFactory()
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))
    cart.user = user
    cart.save()
    apply(cart, issue("10.00").code)
    credit(user, "30.00")
    services.use_store_credit(cart=cart, user=user, use=True)
    order = place(cart, shipping_method, user=user)
    assert order.prepaid_total == usd("25.00")
    assert order.status == Order.Status.PAID  # the card and the credit paid it all
    # an order that is left unpaid: card only
    cart2 = make_cart((VariantFactory(stock_on_hand=5), 2))
    apply(cart2, issue("10.00").code)
    unpaid = place(cart2, shipping_method)
    Order.objects.filter(pk=unpaid.pk).update(reservation_expires_at=timezone.now())
    assert order_services.expire_if_overdue(order_id=unpaid.pk)
    card = GiftCard.objects.get(entries__order_id=unpaid.pk, entries__kind="capture")
    assert card.balance == Decimal("10.00")
    assert ledger_sum(order_id=unpaid.pk) == 0
    # Expiring again gives nothing back twice.
    assert services.release_for_order(order_id=unpaid.pk, order_number="x", actor="t") == 0
    books_balance()


def test_a_shortfall_refuses_the_order_and_changes_nothing(shipping_method):
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))
    apply(cart, issue("10.00").code)
    GiftCard.objects.update(balance=0)  # spent elsewhere meanwhile (as a test shortcut)
    LedgerEntry.objects.create(
        gift_card=GiftCard.objects.get(), kind="adjust", amount=-10, currency="USD",
        balance_after=0, actor="test",
    )  # fmt: skip
    with pytest.raises(CheckoutError) as refused:
        place(cart, shipping_method)
    assert refused.value.code == CheckoutErrorCode.GIFT_CARD_REFUSED
    assert not Order.objects.exists()
    books_balance()


def test_gift_cards_cannot_buy_gift_cards(shipping_method):
    card_product = VariantFactory(product=ProductFactory(is_gift_card=True))
    cart = make_cart((card_product, 1))
    with pytest.raises(GiftCardError) as refused:
        apply(cart, issue().code)
    assert refused.value.code == GiftCardErrorCode.NOT_FOR_GIFT_CARDS
    hold(cart, GiftCard.objects.get())  # even if it got on somehow
    with pytest.raises(CheckoutError):
        place(cart, shipping_method)


def test_store_credit_is_spent_soonest_expiring_first(shipping_method):
    user = UserFactory()
    now = timezone.now()
    account = credit(user, "10.00")  # never expires
    credit(user, "10.00", expires_at=now + timedelta(days=30))
    credit(user, "10.00", expires_at=now + timedelta(days=3))
    credit(user, "50.00", expires_at=now - timedelta(days=1))  # expired: cannot pay
    cart = make_cart((VariantFactory(stock_on_hand=5), 2))
    services.use_store_credit(cart=cart, user=user, use=True)
    order = place(cart, shipping_method, user=user)
    assert order.status == Order.Status.PAID
    remaining = list(account.grants.order_by("pk").values_list("remaining", flat=True))
    assert remaining == [Decimal("5.000"), Decimal("0.000"), Decimal("0.000"), Decimal("50.000")]
    assert services.expire_due() == 1
    account.refresh_from_db()
    assert account.balance == Decimal("5.00")
    books_balance()


def test_only_the_signed_in_owner_can_use_store_credit():
    cart = make_cart((VariantFactory(), 1))
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(GiftCardError) as refused:
        services.use_store_credit(cart=cart, user=AnonymousUser(), use=True)
    assert refused.value.code == GiftCardErrorCode.NEEDS_ACCOUNT
    with pytest.raises(GiftCardError) as refused:
        services.use_store_credit(cart=cart, user=UserFactory(), use=True)
    assert refused.value.code == GiftCardErrorCode.NO_CREDIT


def test_staff_credit_needs_a_reason():
    with pytest.raises(GiftCardError):
        services.credit_customer(
            user=UserFactory(), amount=Decimal(5), currency="USD", actor="s", reason=" "
        )


def test_the_beat_expires_gift_cards_and_credit_every_night():
    from worker.celery import app

    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "worker.tasks.expire_gift_cards_and_credit" in schedule


def test_a_payment_for_an_order_the_cards_covered_changes_nothing(shipping_method):
    cart = make_cart((VariantFactory(stock_on_hand=5), 1))
    apply(cart, issue("50.00").code)
    order = place(cart, shipping_method)
    assert order.status == Order.Status.PAID
    events = order.events.count()
    again = order_services.mark_paid(
        order_id=order.pk, amount=usd("15.00"), reference="pi_late", actor="stripe"
    )
    assert again is order_services.PaymentOutcome.ALREADY_PAID
    assert order.events.count() == events
    assert GiftCard.objects.get().balance == Decimal("35.00")
