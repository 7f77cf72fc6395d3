"""Refunds of orders paid partly or wholly with gift cards and store credit, and refunds the
merchant gives as store credit: each part goes back to where it came from.

An amount to refund is split in proportion to what is left on each side: the card's part
(Stripe, through payments/refunds.py's pending-then-ask path) and the gift cards' and store
credit's part (giftcards' ledger, through orders' bookkeeping, in the order's transaction).
"Refund to store credit" gives the whole amount as a new store credit instead.

What can be refunded is counted on the order: its total less what was refunded and what is
being refunded at Stripe, so a store-credit refund and a later card refund can never together
give back more than was paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from moneyed import Money

from orders import services as order_services
from orders import totals
from orders.exceptions import RefundError
from orders.models import Order, OrderEvent
from payments.amounts import to_stripe_amount
from payments.models import Payment, Refund
from shop.money import as_text, money, quantize


@dataclass(frozen=True)
class Split:
    to_card: Money  # back to the card, through Stripe
    to_prepaid: Money  # back to the gift cards and store credit the order was paid with
    to_store_credit: Money  # given as new store credit (the merchant chose it)

    @property
    def total(self) -> Money:
        return self.to_card + self.to_prepaid + self.to_store_credit


def applies_to(order: Order, *, to_store_credit: bool) -> bool:
    """Whether a refund of this order goes through here rather than straight to Stripe."""
    # A late payment for an order whose gift cards were released when it expired is refunded
    # to the card alone (payments/refunds.py's own path): paid_at is empty then.
    return to_store_credit or (bool(order.prepaid_total.amount) and order.paid_at is not None)


def _payment(order: Order, *, lock: bool = False) -> Payment | None:
    payments = Payment.objects.filter(order=order, status="succeeded").order_by("created_at")
    return (payments.select_for_update() if lock else payments).first()


def left_to_refund(order: Order, payment: Payment | None) -> Money:
    """The order's total less what was refunded and what is being refunded at Stripe."""
    pending = sum(
        (r.amount.amount for r in Refund.objects.filter(order=order, status="pending")), 0
    )
    return money(order.net_paid.amount - pending, order.currency)


def split_of(order: Order, payment: Payment | None, amount: Money, *, to_store_credit: bool):
    currency = order.currency
    nothing = money(0, currency)
    if to_store_credit:
        return Split(to_card=nothing, to_prepaid=nothing, to_store_credit=amount)
    card_left = payment.refundable.amount if payment is not None else 0
    prepaid_left = order_services.prepaid_left(order_id=order.pk)
    both = card_left + prepaid_left
    prepaid = (
        min(prepaid_left, quantize(amount.amount * prepaid_left / both, currency)) if both else 0
    )
    card = amount.amount - prepaid
    if card > card_left:  # the card's side is short: the rest from the gift cards' side
        prepaid, card = prepaid + card - card_left, card_left
    if prepaid > prepaid_left:
        raise RefundError(
            _("You can refund at most %(left)s on order %(number)s.")
            % {"left": as_text(money(both, currency)), "number": order.number}
        )
    return Split(to_card=money(card, currency), to_prepaid=money(prepaid, currency),
                 to_store_credit=nothing)  # fmt: skip


def _amount(
    order, left: Money, amount: Money | None, lines: dict[int, int], plus: Money | None = None
) -> Money:
    if lines:
        order_services.check_refund_lines(order, lines)
        worth = totals.refund_for_lines(order, lines)
        amount = min(worth + plus if plus is not None else worth, left)
    elif amount is None:
        amount = left
    if amount.currency.code != order.currency:
        raise RefundError(
            _("Refunds of order %(number)s are in %(currency)s.")
            % {"number": order.number, "currency": order.currency}
        )
    if left.amount <= 0:
        raise RefundError(
            _("Order %(number)s has been refunded in full already.") % {"number": order.number}
        )
    if amount.amount <= 0:
        raise RefundError(_("Enter an amount greater than zero to refund."))
    if amount > left:
        raise RefundError(
            _("You can refund at most %(left)s on order %(number)s.")
            % {"left": as_text(left), "number": order.number}
        )
    return amount


@dataclass(frozen=True)
class SplitPlan:
    order: Order
    payment: Payment | None
    amount: Money
    left: Money
    split: Split
    lines: list


def plan(*, order_id: int, amount=None, lines=None, to_store_credit: bool = False) -> SplitPlan:
    lines = lines or {}
    order = Order.objects.get(pk=order_id)
    if order.paid_at is None:
        raise RefundError(
            _("Order %(number)s has no payment to refund.") % {"number": order.number}
        )
    payment = _payment(order)
    left = left_to_refund(order, payment)
    value = _amount(order, left, amount, lines)
    by_pk = {line.pk: line for line in order.lines.all()}
    return SplitPlan(
        order=order,
        payment=payment,
        amount=value,
        left=left,
        split=split_of(order, payment, value, to_store_credit=to_store_credit),
        lines=[
            (by_pk[pk], units, totals.refund_for_lines(order, {pk: units}))
            for pk, units in sorted(lines.items())
        ],
    )


def refund(
    *,
    order_id: int,
    actor: str,
    reason: str,
    amount: Money | None,
    lines: dict[int, int] | None,
    idempotency_key: str,
    expected_left: Money | None = None,
    to_store_credit: bool = False,
    automatic: bool = False,
    plus: Money | None = None,
) -> tuple[Refund | None, Split | None]:
    """Record the gift cards' (or store credit's) part now, in the order's transaction, and the
    card's part as a pending Stripe refund; returns (the pending Stripe refund or None, the
    split). Nothing changes if the key was used before (the confirmation posted twice)."""
    lines = lines or {}
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        done = order.events.filter(kind=OrderEvent.Kind.REFUNDED, data__reference=idempotency_key)
        if done.exists() or Refund.objects.filter(idempotency_key=idempotency_key).exists():
            return Refund.objects.filter(idempotency_key=idempotency_key).first(), None
        if order.paid_at is None:
            raise RefundError(
                _("Order %(number)s has no payment to refund.") % {"number": order.number}
            )
        payment = _payment(order, lock=True)
        left = left_to_refund(order, payment)
        if expected_left is not None and left != expected_left:
            raise RefundError(
                _(
                    "What is left to refund on order %(number)s changed since you reviewed "
                    "this refund (%(then)s then, %(now)s now), so nothing was refunded. "
                    "Review the refund again."
                )
                % {"number": order.number, "then": as_text(expected_left), "now": as_text(left)}
            )
        value = _amount(order, left, amount, lines, plus)
        split = split_of(order, payment, value, to_store_credit=to_store_credit)
        card_takes_lines = bool(split.to_card.amount)
        ledger_part = split.to_prepaid + split.to_store_credit
        if ledger_part.amount:
            order_services.refund_prepaid(
                order_id=order.pk,
                amount=ledger_part,
                to_store_credit=to_store_credit,
                actor=actor,
                reason=reason,
                lines=None if card_takes_lines else lines,
                key=idempotency_key,
            )
        if not card_takes_lines:
            return None, split
        to_stripe_amount(split.to_card)  # raises if Stripe could not take this precision
        pending = Refund.objects.create(
            payment=payment,
            order=order,
            amount=split.to_card,
            reason=reason,
            lines={str(k): v for k, v in lines.items()},
            idempotency_key=idempotency_key,
            actor=actor,
            automatic=automatic,
        )
    return pending, split
