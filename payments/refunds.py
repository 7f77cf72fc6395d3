"""Refunds: asked by the merchant, made automatically, or found at Stripe.

A refund is recorded as `pending` (in its own transaction) before Stripe is asked, with an
idempotency key, so that:
- two refunds asked at once cannot together give back more than was paid (the pending one
  counts against what is left, under the order's lock);
- a process that dies after Stripe refunded but before we recorded it leaves a pending row
  that Stripe's `charge.refunded` event (or `sync_refunds`) completes by the refund's metadata.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from moneyed import Money

from orders import services as order_services
from orders import totals
from orders.exceptions import RefundError
from orders.models import Order, OrderEvent, OrderLine
from payments import gateway, split_refunds
from payments.amounts import from_stripe_amount, to_stripe_amount
from payments.models import Payment, Refund
from payments.outcomes import WebhookOutcome
from shop.money import as_text

logger = logging.getLogger(__name__)

# Stored as written (the order's log is in the shop's language); marked so that the worker
# writes it in the order's language in the refund email (worker/emails.py).
STOCK_GONE_REASON = gettext_noop(
    "Your payment reached us after your items were no longer held for you, and they had sold "
    "out in the meantime. We are sorry: the full amount has been refunded."
)


@dataclass(frozen=True)
class RefundPlan:
    """What a refund would give back, shown to the merchant before they confirm it."""

    order: Order
    payment: Payment
    amount: Money
    left: Money  # what could be refunded before this refund
    lines: list[tuple[OrderLine, int, Money]]  # (line, units, what they give back)
    # How it is given back, for an order paid with gift cards or store credit, or a refund
    # to store credit (payments/split_refunds.py); None: all to the card.
    split: split_refunds.Split | None = None

    @property
    def left_after(self) -> Money:
        return self.left - self.amount


def plan_refund(
    *,
    order_id: int,
    amount: Money | None = None,
    lines: dict[int, int] | None = None,
    to_store_credit: bool = False,
) -> RefundPlan:
    """What `refund()` with these arguments would give back now, checked as it checks, without
    asking Stripe. Raises RefundError as `refund()` would."""
    lines = lines or {}
    order = Order.objects.get(pk=order_id)
    if split_refunds.applies_to(order, to_store_credit=to_store_credit):
        planned = split_refunds.plan(
            order_id=order_id, amount=amount, lines=lines, to_store_credit=to_store_credit
        )
        return RefundPlan(
            order=planned.order, payment=planned.payment, amount=planned.amount,
            left=planned.left, lines=planned.lines, split=planned.split,
        )  # fmt: skip
    payment = _payment_of(order)
    amount = _amount_to_refund(order=order, payment=payment, amount=amount, lines=lines)
    by_pk = {line.pk: line for line in order.lines.all()}
    return RefundPlan(
        order=order,
        payment=payment,
        amount=amount,
        left=payment.refundable,
        lines=[
            (by_pk[pk], units, totals.refund_for_lines(order, {pk: units}))
            for pk, units in sorted(lines.items())
        ],
    )


def refund(
    *,
    order_id: int,
    actor: str,
    reason: str = "",
    amount: Money | None = None,
    lines: dict[int, int] | None = None,
    idempotency_key: str | None = None,
    automatic: bool = False,
    expected_left: Money | None = None,
    to_store_credit: bool = False,
    plus: Money | None = None,
) -> Refund:
    """Give money back on the order's payment: `amount`, or what `lines` are worth (and `plus`,
    such as shipping given back with a return), or all that is left. Raises RefundError
    (nothing changes) when there is nothing to refund, the amount is more than is left, what
    is left is no longer `expected_left` (the merchant confirmed a refund against what was
    left then), or Stripe refuses (the refund is then recorded as failed). An order paid with
    gift cards or store credit, or a refund to store credit: each part goes back to where it
    came from (payments/split_refunds.py)."""
    order = Order.objects.get(pk=order_id)
    if split_refunds.applies_to(order, to_store_credit=to_store_credit):
        key = idempotency_key or f"refund-{uuid.uuid4().hex}"
        pending, split = split_refunds.refund(
            order_id=order_id, actor=actor, reason=reason, amount=amount, lines=lines,
            idempotency_key=key, expected_left=expected_left,
            to_store_credit=to_store_credit, automatic=automatic, plus=plus,
        )  # fmt: skip
        if pending is None:  # all of it given back in the ledger, nothing asked of Stripe
            return Refund(order=order, amount=split.total if split else order.refunded_total,
                          status=Refund.Status.SUCCEEDED, reason=reason)  # fmt: skip
        if pending.status != Refund.Status.PENDING:
            return pending
        return _ask_stripe(pending, reason=reason, actor=actor)
    pending = _record_pending(
        order_id=order_id,
        actor=actor,
        reason=reason,
        amount=amount,
        lines=lines or {},
        idempotency_key=idempotency_key or f"refund-{uuid.uuid4().hex}",
        automatic=automatic,
        expected_left=expected_left,
        plus=plus,
    )
    if pending.status != Refund.Status.PENDING:
        return pending  # this key was used before: the refund it made, not a second one
    return _ask_stripe(pending, reason=reason, actor=actor)


def _ask_stripe(pending: Refund, *, reason: str, actor: str) -> Refund:
    """Ask Stripe for a refund recorded as pending, and record its answer."""
    units, _currency = to_stripe_amount(pending.amount)
    try:
        made = gateway.create_refund(
            payment_intent_id=pending.payment.stripe_payment_intent_id,
            amount=units,
            metadata={
                "order_number": pending.order.number,
                "refund_id": str(pending.pk),
                "reason": reason[:500],
            },
            idempotency_key=pending.idempotency_key,
        )
    except gateway.StripeError as error:
        message = getattr(error, "user_message", None) or str(error)
        _fail(refund_id=pending.pk, message=message)
        raise RefundError(
            _("Stripe refused the refund: %(message)s") % {"message": message}
        ) from error
    return apply_stripe_refund(made.to_dict(), source=actor)


def _payment_of(order: Order, *, lock: bool = False) -> Payment:
    payments = Payment.objects.filter(order=order, status="succeeded").order_by("created_at")
    payment = (payments.select_for_update() if lock else payments).first()
    if payment is None:
        raise RefundError(
            _("Order %(number)s has no payment to refund.") % {"number": order.number}
        )
    return payment


def _amount_to_refund(
    *,
    order: Order,
    payment: Payment,
    amount: Money | None,
    lines: dict[int, int],
    plus: Money | None = None,
) -> Money:
    """The amount to give back (checked against what is left), or RefundError."""
    refundable = payment.refundable
    if lines:
        order_services.check_refund_lines(order, lines)
        worth = totals.refund_for_lines(order, lines)
        amount = min(worth + plus if plus is not None else worth, refundable)
    elif amount is None:
        amount = refundable
    if amount.currency != payment.amount.currency:
        raise RefundError(
            _("Refunds of order %(number)s are in %(currency)s.")
            % {"number": order.number, "currency": order.currency}
        )
    if refundable.amount <= 0:
        raise RefundError(
            _("Order %(number)s has been refunded in full already.") % {"number": order.number}
        )
    if amount.amount <= 0:
        raise RefundError(_("Enter an amount greater than zero to refund."))
    if amount > refundable:
        raise RefundError(
            _(
                "You can refund at most %(left)s on order %(number)s (paid %(paid)s, "
                "refunded or being refunded %(refunded)s)."
            )
            % {
                "left": as_text(refundable),
                "number": order.number,
                "paid": as_text(payment.amount),
                "refunded": as_text(payment.amount - refundable),
            }
        )
    to_stripe_amount(amount)  # raises if Stripe could not take this precision
    return amount


def _record_pending(
    *,
    order_id,
    actor,
    reason,
    amount,
    lines,
    idempotency_key,
    automatic,
    expected_left=None,
    plus=None,
) -> Refund:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        existing = Refund.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        payment = _payment_of(order, lock=True)
        if expected_left is not None and payment.refundable != expected_left:
            raise RefundError(
                _(
                    "What is left to refund on order %(number)s changed since you reviewed "
                    "this refund (%(then)s then, %(now)s now), so nothing was refunded. "
                    "Review the refund again."
                )
                % {
                    "number": order.number,
                    "then": as_text(expected_left),
                    "now": as_text(payment.refundable),
                }
            )
        amount = _amount_to_refund(
            order=order, payment=payment, amount=amount, lines=lines, plus=plus
        )
        return Refund.objects.create(
            payment=payment,
            order=order,
            amount=amount,
            reason=reason,
            lines={str(k): v for k, v in lines.items()},
            idempotency_key=idempotency_key,
            actor=actor,
            automatic=automatic,
        )


def _fail(*, refund_id: int, message: str) -> None:
    with transaction.atomic():
        pending = Refund.objects.select_for_update().get(pk=refund_id)
        if pending.status == Refund.Status.PENDING:
            pending.status = Refund.Status.FAILED
            pending.failure_message = message[:2000]
            pending.save(update_fields=["status", "failure_message", "updated_at"])
            order_services.record_event(
                order=pending.order,
                kind=OrderEvent.Kind.REFUND_FAILED,
                actor=pending.actor,
                message=f"Refund of {as_text(pending.amount)} failed: {message}",
            )


def apply_stripe_refund(data: dict, *, source: str) -> Refund | None:
    """Bring our records in line with a Refund as Stripe reports it. Idempotent.

    Ours is found by its Stripe id or by the `refund_id` in its metadata; one we never asked
    for (made in the Stripe dashboard) is recorded as it is."""
    payment = Payment.objects.filter(stripe_payment_intent_id=data.get("payment_intent")).first()
    if payment is None:
        logger.warning("Refund %s is for a payment that is not ours; ignored", data["id"])
        return None
    with transaction.atomic():
        # Lock order: order, payment, refund, as every payment path.
        Order.objects.select_for_update().filter(pk=payment.order_id).first()
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        ours = _find_ours(data)
        if ours is None:
            if data.get("status") != "succeeded":
                return None
            ours = Refund.objects.create(
                payment=payment,
                order_id=payment.order_id,
                amount=from_stripe_amount(data["amount"], data["currency"]),
                reason=(data.get("metadata") or {}).get("reason", "")
                or "Refunded from the Stripe dashboard.",
                idempotency_key=f"stripe-{data['id']}",
                stripe_refund_id=data["id"],
                actor="Stripe dashboard",
            )
        ours = Refund.objects.select_for_update().get(pk=ours.pk)
        if ours.status != Refund.Status.PENDING:
            return ours
        ours.stripe_refund_id = data["id"]
        status = data.get("status")
        if status in ("failed", "canceled"):
            ours.save(update_fields=["stripe_refund_id", "updated_at"])
            _fail(refund_id=ours.pk, message=data.get("failure_reason") or status)
            ours.refresh_from_db()
            return ours
        if status != "succeeded":  # pending at Stripe: charge.refunded tells us when it is done
            ours.save(update_fields=["stripe_refund_id", "updated_at"])
            return ours
        ours.status = Refund.Status.SUCCEEDED
        ours.save(update_fields=["stripe_refund_id", "status", "updated_at"])
        payment.amount_refunded += ours.amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
        settled = not Payment.objects.filter(
            order_id=payment.order_id, status="succeeded", amount_refunded__lt=F("amount")
        ).exists()
        order_services.record_refund(
            order_id=payment.order_id,
            amount=ours.amount,
            reference=data["id"],
            actor=ours.actor or source,
            reason=ours.reason,
            lines={int(k): v for k, v in ours.lines.items()},
            settled=settled,
            automatic=ours.automatic,
        )
        return ours


def _find_ours(data: dict) -> Refund | None:
    found = Refund.objects.filter(stripe_refund_id=data["id"]).first()
    if found is not None:
        return found
    refund_id = (data.get("metadata") or {}).get("refund_id", "")
    if refund_id.isdigit():
        return Refund.objects.filter(pk=int(refund_id), stripe_refund_id=None).first()
    return None


def sync_refunds(*, payment: Payment, source: str) -> int:
    """Ask Stripe for every refund of the payment and record what we did not know.
    Returns how many refunds changed state here."""
    before = {r.pk: r.status for r in payment.refunds.all()}
    for data in gateway.list_refunds(payment.stripe_payment_intent_id):
        apply_stripe_refund(data, source=source)
    after = {r.pk: r.status for r in Refund.objects.filter(payment=payment)}
    return sum(1 for pk, status in after.items() if before.get(pk) != status)


def refund_automatically(*, payment: Payment, reason: str = STOCK_GONE_REASON) -> str:
    """Refund a payment we cannot honour (its stock is gone). Called inside the webhook's
    transaction; a Stripe failure leaves the order flagged for the merchant instead."""
    try:
        refund(
            order_id=payment.order_id,
            actor="system",
            reason=reason,
            idempotency_key=f"auto-refund-{payment.stripe_payment_intent_id}",
            automatic=True,
        )
    except RefundError as error:
        order_services.flag(
            order_id=payment.order_id,
            kind=OrderEvent.Kind.AUTO_REFUND_FAILED,
            actor="system",
            message=f"The automatic refund failed ({error}); refund the payment from the admin.",
        )
        return WebhookOutcome.STOCK_GONE_REFUND_FAILED
    return WebhookOutcome.STOCK_GONE_REFUNDED
