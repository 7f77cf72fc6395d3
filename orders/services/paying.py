"""Payment and refund bookkeeping: what the payment provider confirmed, on the order."""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from moneyed import Money

from giftcards import services as giftcard_services
from giftcards.exceptions import GiftCardError
from orders import allocation
from orders import metrics as order_metrics
from orders.exceptions import OutOfStock, RefundError
from orders.models import Order, OrderEvent
from orders.services.events import record_event
from orders.signals import (
    order_paid,
    order_refunded,
)
from shop import metrics
from shop.cart import services as cart_services
from shop.money import as_text


class PaymentOutcome(enum.Enum):
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    AMOUNT_MISMATCH = "amount_mismatch"
    STOCK_GONE = "stock_gone"
    NOT_PAYABLE = "not_payable"


def record_payment_method(*, order_id: int, description: str) -> None:
    """Note how the order was paid ("Visa ending in 4242"), as the payment provider said."""
    with transaction.atomic():
        Order.objects.filter(pk=order_id).update(payment_method=description[:80])


def mark_paid(*, order_id: int, amount: Money, reference: str, actor: str) -> PaymentOutcome:
    """Record a payment that the payment provider confirmed. Safe to call any number of times.

    The order is paid only if `amount` is exactly what was due (its total less what gift cards
    and store credit paid at placing); the held stock becomes sold. If
    the hold ran out and the stock is gone, or the amount is wrong, the order is flagged for
    the merchant instead and the caller decides about refunding.
    """
    # Part of the payment's transaction when there is one, without a savepoint of its own:
    # nothing here is caught and carried on from but the stock (its own savepoint below).
    with transaction.atomic(savepoint=False):
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.is_paid or order.status == Order.Status.REFUNDED:
            return PaymentOutcome.ALREADY_PAID
        if amount != order.amount_due:
            told = order.events.filter(
                kind=OrderEvent.Kind.PAYMENT_MISMATCH, data__reference=reference
            )
            if told.exists():
                return PaymentOutcome.AMOUNT_MISMATCH  # told the merchant already
            order.needs_attention = True
            order.save(update_fields=["needs_attention", "updated_at"])
            record_event(
                order=order,
                kind=OrderEvent.Kind.PAYMENT_MISMATCH,
                actor=actor,
                message=f"Payment {reference} of {as_text(amount)} does not match the order "
                f"amount due {as_text(order.amount_due)}; not marked paid.",
                data={
                    "reference": reference,
                    "amount": str(amount.amount),
                    "currency": amount.currency.code,
                },
            )
            return PaymentOutcome.AMOUNT_MISMATCH
        if not order.can_move_to(Order.Status.PAID):
            return PaymentOutcome.NOT_PAYABLE
        released = bool(order.prepaid_total.amount) and (
            giftcard_services.prepaid_left(order_id=order.pk) < order.prepaid_total.amount
        )
        try:
            if released:  # expired or cancelled meanwhile: its gift cards had their part back
                raise OutOfStock([_("the gift card and store credit part (released)")])
            with transaction.atomic():
                allocation.commit(order=order)
        except OutOfStock as error:
            told = order.events.filter(
                kind=OrderEvent.Kind.PAID_OUT_OF_STOCK, data__reference=reference
            )
            if told.exists():
                return PaymentOutcome.STOCK_GONE
            order.needs_attention = True
            order.save(update_fields=["needs_attention", "updated_at"])
            record_event(
                order=order,
                kind=OrderEvent.Kind.PAID_OUT_OF_STOCK,
                actor=actor,
                message=f"Payment {reference} arrived after the stock hold ran out: "
                f"{error} A refund is required.",
                data={"reference": reference},
            )
            return PaymentOutcome.STOCK_GONE
        order.move_to(Order.Status.PAID)
        order.paid_at = timezone.now()
        order.save(update_fields=["status", "paid_at", "updated_at"])
        metrics.count_on_commit(order_metrics.ORDERS, event="paid")
        record_event(
            order=order,
            kind=OrderEvent.Kind.PAID,
            actor=actor,
            message=f"Payment {reference} of {as_text(amount)} received.",
            data={"reference": reference},
        )
        if order.cart_id:
            bought: dict[int, int] = defaultdict(int)
            for line in order.lines.exclude(variant=None):
                bought[line.variant_id] += line.quantity
            cart_services.remove_purchased(cart_id=order.cart_id, quantities=dict(bought))
        _issue_gift_cards(order)
        order_paid.send(sender=Order, order=order)
        return PaymentOutcome.PAID


def _issue_gift_cards(order: Order) -> None:
    """The gift cards the order bought, issued now it is paid (giftcards emails each code)."""
    for line in order.lines.filter(variant__product__is_gift_card=True):
        for unit in range(line.quantity):
            giftcard_services.issue_bought(
                order_id=order.pk,
                order_number=order.number,
                order_line_id=line.pk,
                unit=unit,
                amount=line.unit_price,
                purchaser=order.user,
                purchaser_email=order.email,
                details=line.gift_card,
            )


@dataclass(frozen=True)
class RefundNotice:
    """What a listener needs to tell the shopper about a refund."""

    amount: Money
    reference: str
    reason: str
    automatic: bool = False
    lines: dict[int, int] | None = None  # order line id -> units given back


def check_refund_lines(order: Order, quantities: dict[int, int]) -> None:
    """Raise RefundError unless every (line id, quantity) can still be refunded."""
    lines = {line.pk: line for line in order.lines.all()}
    for line_id, quantity in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise RefundError(
                _("Order %(number)s has no line %(line)s.")
                % {"number": order.number, "line": line_id}
            )
        if quantity < 1:
            raise RefundError(_("Refund at least one unit of each chosen line."))
        if quantity > line.quantity - line.refunded_quantity:
            left = line.quantity - line.refunded_quantity
            raise RefundError(
                _("Only %(n)d of %(product)s (%(variant)s) can still be refunded.")
                % {"n": left, "product": line.product_name, "variant": line.variant_label}
            )


def record_refund(
    *,
    order_id: int,
    amount: Money,
    reference: str,
    actor: str,
    reason: str = "",
    lines: dict[int, int] | None = None,
    settled: bool = False,
    automatic: bool = False,
) -> Order:
    """Record money given back to the shopper (the payment provider confirmed it).

    `settled`: nothing the shopper paid is left to refund. A paid order becomes `refunded`
    when all its total is back, else `partially_refunded`; an order that was never fulfilled
    (its payment came too late, or it was cancelled) becomes `refunded` once settled.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if amount.currency.code != order.currency or amount.amount <= 0:
            raise RefundError(
                _("Cannot record a refund of %(amount)s on order %(number)s.")
                % {"amount": as_text(amount), "number": order.number}
            )
        if lines:
            check_refund_lines(order, lines)
            for line in order.lines.filter(pk__in=lines):
                line.refunded_quantity += lines[line.pk]
                line.save(update_fields=["refunded_quantity"])
        order.refunded_total += amount
        # A gift card's own purchase refunded: what is unspent on it can no longer be used.
        giftcard_services.disable_bought(
            order_id=order.pk,
            line_ids=list(lines) if lines else None,
            everything=order.refunded_total >= order.total,
            actor=actor,
        )
        if order.is_paid:
            fully = settled or order.refunded_total >= order.total
            if fully:
                order.move_to(Order.Status.REFUNDED)
            elif order.status == Order.Status.PAID:
                order.move_to(Order.Status.PARTIALLY_REFUNDED)
        elif settled and order.can_move_to(Order.Status.REFUNDED):
            # never fulfilled (expired or cancelled, then paid late): settled is refunded
            order.move_to(Order.Status.REFUNDED)
        if settled and order.needs_attention and order.status == Order.Status.REFUNDED:
            order.needs_attention = False
        order.save(update_fields=["refunded_total", "status", "needs_attention", "updated_at"])
        record_event(
            order=order,
            kind=OrderEvent.Kind.REFUNDED,
            actor=actor,
            message=f"Refunded {as_text(amount)} ({reference}). {reason}".strip(),
            data={
                "reference": reference,
                "amount": str(amount.amount),
                "lines": lines or {},
                "reason": reason,
            },
        )
        order_refunded.send(
            sender=Order,
            order=order,
            refund=RefundNotice(
                amount=amount,
                reference=reference,
                reason=reason,
                automatic=automatic,
                lines=lines or {},
            ),
        )
        return order


def prepaid_left(*, order_id: int):
    """What the order's gift cards and store credit paid that was not given back yet."""
    return giftcard_services.prepaid_left(order_id=order_id)


def refund_prepaid(
    *,
    order_id: int,
    amount: Money,
    actor: str,
    reason: str,
    key: str,
    to_store_credit: bool = False,
    lines: dict[int, int] | None = None,
) -> Order:
    """Give back `amount` of an order to the gift cards and store credit that paid it, or (the
    merchant's choice) as new store credit for its customer; recorded as a refund of the order
    (`key` its reference: the same key twice is refused by the caller). RefundError if the
    ledger cannot take it; nothing changes then."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        try:
            if to_store_credit:
                giftcard_services.refund_to_store_credit(
                    user=order.user, amount=amount, actor=actor, reason=reason,
                    order_id=order.pk, order_number=order.number,
                )  # fmt: skip
            else:
                giftcard_services.refund_to_sources(
                    order_id=order.pk, order_number=order.number, amount=amount, actor=actor,
                    reason=reason, user=order.user,
                )  # fmt: skip
        except GiftCardError as error:
            raise RefundError(str(error)) from error
        how = "store credit" if to_store_credit else "gift cards and store credit"
        return record_refund(
            order_id=order.pk,
            amount=amount,
            reference=key,
            actor=actor,
            reason=f"{reason} (to {how})".strip(),
            lines=lines,
        )
