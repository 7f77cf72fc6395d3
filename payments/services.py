"""Payment operations: starting a payment and applying what Stripe tells us.

Only facts from Stripe change an order here: a verified webhook event, or a PaymentIntent we
retrieved from Stripe's API ourselves. Both go through `apply_payment_intent`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders import services as order_services
from orders.models import Order
from payments import event_shapes, gateway, refunds
from payments import metrics as payment_metrics
from payments.amounts import from_stripe_amount, to_stripe_amount
from payments.exceptions import PaymentNotPossible
from payments.models import Payment, StripeEvent
from payments.signals import payment_failed, payment_succeeded
from shop import metrics
from shop.money import as_text

logger = logging.getLogger(__name__)

REUSABLE_STATUSES = {
    "requires_payment_method",
    "requires_confirmation",
    "requires_action",
    "processing",
}


@dataclass(frozen=True)
class PaymentSession:
    payment: Payment
    client_secret: str


def start_payment(*, order_id: int) -> PaymentSession:
    """The PaymentIntent the shopper confirms in the browser, created once per order.

    The order row stays locked while Stripe is asked, so two tabs opening the payment page at
    once share one PaymentIntent instead of creating two that could both be charged.
    """
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not order.is_payable:
            raise PaymentNotPossible(
                _("Order %(number)s cannot be paid: it is %(status)s.")
                % {"number": order.number, "status": order.get_status_display().lower()}
            )
        amount, currency = to_stripe_amount(order.total)
        payments = list(order.payments.all())  # one query: the reusable ones, and how many
        for payment in payments:
            if payment.status not in REUSABLE_STATUSES:
                continue
            intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
            if intent.status in REUSABLE_STATUSES and intent.amount == amount:
                return PaymentSession(payment=payment, client_secret=intent.client_secret)
            payment.status = intent.status
            payment.save(update_fields=["status", "updated_at"])
        attempt = len(payments) + 1
        intent = gateway.create_payment_intent(
            amount=amount,
            currency=currency,
            order_number=order.number,
            email=order.email,
            idempotency_key=f"order-{order.number}-payment-{attempt}",
        )
        payment = Payment.objects.create(
            order=order,
            stripe_payment_intent_id=intent.id,
            status=intent.status,
            amount=from_stripe_amount(intent.amount, intent.currency),
        )
        order_services.record_event(
            order=order,
            kind="payment_started",
            actor="shopper",
            message=f"Payment {intent.id} started for {payment.amount}.",
        )
        return PaymentSession(payment=payment, client_secret=intent.client_secret)


FINAL_STATUSES = {"succeeded", "canceled"}
# What the order's log says when a PaymentIntent reaches these states.
STATUS_EVENTS = {
    "canceled": ("payment_canceled", "Payment {id} was canceled{reason}."),
    "processing": (
        "payment_processing",
        "Payment {id} is processing; Stripe will tell us the outcome.",
    ),
}


def apply_payment_intent(
    intent: dict, *, source: str, event_created: int | None = None, payment: Payment | None = None
) -> str:
    """Bring our records in line with a PaymentIntent as Stripe reported it. Idempotent.

    `event_created` is the `created` time of the webhook event that carried it (None for a
    PaymentIntent we just retrieved, which is current). Events come late and out of order:
    a final state (succeeded, canceled) is never replaced, and an event older than the last
    one applied changes nothing.
    """
    if payment is None or payment.stripe_payment_intent_id != intent["id"]:
        payment = Payment.objects.filter(stripe_payment_intent_id=intent["id"]).first()
    if payment is None:
        payment = _adopt_payment_intent(intent)
    if payment is None:
        logger.warning("PaymentIntent %s is not one of ours; ignored", intent["id"])
        return "unknown_payment_intent"
    status = intent["status"]
    with transaction.atomic():
        # The order first, then the payment: the lock order every payment path uses.
        Order.objects.select_for_update().filter(pk=payment.order_id).first()
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        previous = payment.status
        error = (intent.get("last_payment_error") or {}).get("message", "")
        stale = (previous in FINAL_STATUSES and status != previous) or (
            event_created is not None
            and payment.last_event_created is not None
            and event_created < payment.last_event_created
            and status != "succeeded"
        )
        if stale:
            if status == "requires_payment_method" and error:
                _log_failure(payment, intent, error, source)  # history only
            return "stale"
        payment.status = status
        payment.last_error = error or payment.last_error
        if event_created is not None:
            payment.last_event_created = max(event_created, payment.last_event_created or 0)
        payment.stripe_charge_id = _charge_id(intent) or payment.stripe_charge_id
        method = intent.get("payment_method")
        method = method.get("id") if isinstance(method, dict) else method
        payment.stripe_payment_method_id = method or payment.stripe_payment_method_id
        payment.save()
        if status == "succeeded":
            received = intent.get("amount_received") or intent["amount"]
            outcome = order_services.mark_paid(
                order_id=payment.order_id,
                amount=from_stripe_amount(received, intent["currency"]),
                reference=intent["id"],
                actor=source,
            )
            if outcome is order_services.PaymentOutcome.STOCK_GONE:
                return refunds.refund_automatically(payment=payment)
            if previous != "succeeded" and not payment.card_last4:
                payment_succeeded.send(sender=Payment, payment=payment)
            return outcome.value
        changed = status != previous
        if status == "requires_payment_method" and error:
            _log_failure(payment, intent, error, source)
            return "payment_failed"
        if status in STATUS_EVENTS and changed:
            kind, message = STATUS_EVENTS[status]
            reason = intent.get("cancellation_reason")
            order_services.record_event(
                order=payment.order,
                kind=kind,
                actor=source,
                message=message.format(id=intent["id"], reason=f" ({reason})" if reason else ""),
            )
            return kind
    return f"status_{status}"


def describe_card(*, payment_id: int) -> str:
    """Ask Stripe which card paid (brand and last four digits) and write it on the payment
    and its order, for the order page. Safe to run twice; a Stripe error leaves it unknown."""
    payment = Payment.objects.select_related("order").get(pk=payment_id)
    if payment.card_last4 or not payment.stripe_payment_method_id:
        return payment.order.payment_method
    method = gateway.retrieve_payment_method(payment.stripe_payment_method_id)
    card = (method.to_dict().get("card") or {}) if method else {}
    brand, last4 = str(card.get("brand") or "")[:20], str(card.get("last4") or "")[:4]
    if not last4:
        return ""
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=payment.order_id).first()
        Payment.objects.filter(pk=payment.pk).update(card_brand=brand, card_last4=last4)
        description = f"{CARD_BRANDS.get(brand, brand.title() or 'Card')} ending in {last4}"
        order_services.record_payment_method(order_id=payment.order_id, description=description)
    return description


CARD_BRANDS = {
    "amex": "American Express",
    "diners": "Diners Club",
    "discover": "Discover",
    "jcb": "JCB",
    "mastercard": "Mastercard",
    "unionpay": "UnionPay",
    "visa": "Visa",
}


def _log_failure(payment: Payment, intent: dict, error: str, source: str) -> None:
    """Write a failed attempt in the order's log once, however many times we hear of it."""
    failed_charge = (intent.get("last_payment_error") or {}).get("charge") or ""
    if failed_charge and payment.order.events.filter(
        kind="payment_failed", data__charge=failed_charge
    ):
        return
    order_services.record_event(
        order=payment.order,
        kind="payment_failed",
        actor=source,
        message=f"Payment {intent['id']} failed: {error}",
        data={"charge": failed_charge},
    )
    payment_failed.send(sender=Payment, order=payment.order, message=error)
    metrics.count_on_commit(payment_metrics.PAYMENTS_FAILED)


def _charge_id(intent: dict) -> str:
    charge = intent.get("latest_charge")
    if isinstance(charge, dict):  # expanded (localstripe always expands it)
        return charge.get("id") or ""
    return charge or ""


def cancel_open_payments(*, order_id: int) -> int:
    """Cancel at Stripe the PaymentIntents of an order that can no longer be paid; each is
    then brought in line through `apply_payment_intent`. Returns how many were cancelled."""
    cancelled = 0
    for payment in Payment.objects.filter(order_id=order_id, status__in=REUSABLE_STATUSES):
        try:
            intent = gateway.cancel_payment_intent(payment.stripe_payment_intent_id)
        except gateway.StripeError as error:
            logger.warning("Could not cancel %s: %s", payment.stripe_payment_intent_id, error)
            continue
        apply_payment_intent(intent.to_dict(), source="system")
        cancelled += intent.status == "canceled"
    return cancelled


def _adopt_payment_intent(intent: dict) -> Payment | None:
    """A PaymentIntent we created but never recorded (the process died between Stripe's
    answer and our commit) still names its order: record it rather than lose the payment."""
    number = (intent.get("metadata") or {}).get("order_number")
    order = Order.objects.filter(number=number).first() if number else None
    if order is None:
        return None
    payment, created = Payment.objects.get_or_create(
        stripe_payment_intent_id=intent["id"],
        defaults={
            "order": order,
            "status": intent["status"],
            "amount": from_stripe_amount(intent["amount"], intent["currency"]),
        },
    )
    if created:
        order_services.record_event(
            order=order,
            kind="payment_recovered",
            actor="stripe",
            message=f"Recorded payment {intent['id']} found at Stripe.",
        )
    return payment


def sync_payment_intent(*, payment: Payment, source: str) -> str:
    """Ask Stripe for the PaymentIntent and apply what it says (return page, reconciliation)."""
    intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    return apply_payment_intent(intent.to_dict(), source=source, payment=payment)


def _on_payment_intent(event: dict) -> str:
    return apply_payment_intent(
        event["data"]["object"], source="stripe webhook", event_created=event.get("created")
    )


def _payment_for_charge(obj: dict) -> Payment | None:
    """The payment a charge or dispute belongs to, by PaymentIntent or charge id."""
    intent_id = obj.get("payment_intent")
    if intent_id:
        payment = Payment.objects.filter(stripe_payment_intent_id=intent_id).first()
        if payment is not None:
            return payment
    charge_id = obj.get("charge") if obj.get("object") == "dispute" else obj.get("id")
    if charge_id:
        return Payment.objects.filter(stripe_charge_id=charge_id).first()
    return None


def _on_charge_refunded(event: dict) -> str:
    """A refund happened at Stripe: ours (completes a pending row) or the merchant's in the
    dashboard (recorded). Stripe's list of the payment's refunds is the truth we apply."""
    payment = _payment_for_charge(event["data"]["object"])
    if payment is None:
        return "unknown_payment"
    changed = refunds.sync_refunds(payment=payment, source="stripe webhook")
    return f"refunds_synced_{changed}"


def _on_dispute(event: dict) -> str:
    dispute = event["data"]["object"]
    payment = _payment_for_charge(dispute)
    if payment is None:
        return "unknown_payment"
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=payment.order_id).first()
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.dispute_status = dispute.get("status", "")
        payment.save(update_fields=["dispute_status", "updated_at"])
        amount = from_stripe_amount(dispute.get("amount") or 0, dispute.get("currency") or "usd")
        if event["type"] == "charge.dispute.created":
            order_services.flag(
                order_id=payment.order_id,
                kind="dispute_opened",
                actor="stripe webhook",
                message=f"The shopper's bank disputes {as_text(amount)} (reason: "
                f"{dispute.get('reason') or 'not given'}). Answer it in the Stripe dashboard "
                "before its deadline.",
                data={"dispute": dispute.get("id"), "reason": dispute.get("reason")},
            )
            return "dispute_opened"
        order_services.flag(
            order_id=payment.order_id,
            kind="dispute_closed",
            actor="stripe webhook",
            message=f"The dispute of {as_text(amount)} is closed: "
            f"{dispute.get('status') or 'unknown'}.",
            data={"dispute": dispute.get("id"), "status": dispute.get("status")},
        )
        return "dispute_closed"


HANDLERS = {
    "payment_intent.succeeded": _on_payment_intent,
    "payment_intent.payment_failed": _on_payment_intent,
    "payment_intent.canceled": _on_payment_intent,
    "payment_intent.processing": _on_payment_intent,
    "charge.refunded": _on_charge_refunded,
    "charge.dispute.created": _on_dispute,
    "charge.dispute.closed": _on_dispute,
}


def is_well_formed(event: dict) -> bool:
    """The shape every handler relies on (payments/event_shapes.py); anything else is refused
    before it is stored."""
    return not event_shapes.problem_with(event)


def record_and_apply(event: dict, *, replay: bool = False) -> str:
    """Store the verified event, then apply it once, whatever the number of deliveries.
    `replay` applies a stored event again (every handler is idempotent)."""
    # Stored first, on its own (an insert that does nothing for a delivery we already
    # have), so that it is kept even when applying it fails.
    StripeEvent.objects.bulk_create(
        [
            StripeEvent(
                stripe_id=event["id"],
                type=event["type"],
                payload=event,
                livemode=bool(event.get("livemode")),
            )
        ],
        ignore_conflicts=True,
    )
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.select_for_update().get(stripe_id=event["id"])
            if stored.processed_at is not None and not replay:
                return "duplicate"
            handler = HANDLERS.get(stored.type)
            result = handler(stored.payload) if handler else "ignored"
            stored.processed_at = timezone.now()
            stored.result = result
            stored.error = ""
            stored.save(update_fields=["processed_at", "result", "error"])
            return result
    except Exception as error:
        # Kept for the replay command; the webhook answers 500 and Stripe delivers it again.
        StripeEvent.objects.filter(stripe_id=event["id"]).update(error=repr(error)[:2000])
        raise


def replay_stored_events(*, events) -> dict[str, int]:
    """Apply stored events again, oldest first (after a bug fix, or events that failed)."""
    results: dict[str, int] = {}
    for stored in events.order_by("received_at", "pk"):
        try:
            result = record_and_apply(stored.payload, replay=True)
        except Exception:
            logger.exception("Replaying %s failed", stored.stripe_id)
            result = "error"
        results[result] = results.get(result, 0) + 1
    return results


def fetch_and_apply_events(*, days: int) -> dict[str, int]:
    """After an outage: ask Stripe for the events of the last `days` days and apply each one
    we do not have (those we have are duplicates and change nothing)."""
    since = int((timezone.now() - timedelta(days=days)).timestamp())
    results: dict[str, int] = {}
    for event in gateway.list_events(created_gte=since):
        if not is_well_formed(event):
            result = "malformed"
        else:
            try:
                result = record_and_apply(event)
            except Exception:
                logger.exception("Applying %s failed", event.get("id"))
                result = "error"
        results[result] = results.get(result, 0) + 1
    return results


def reconcile_pending_payments(
    *, older_than: timedelta = timedelta(minutes=3), within: timedelta = timedelta(days=1)
) -> dict[str, int]:
    """The safety net for lost webhooks: ask Stripe about every payment of an order still
    awaiting payment (or expired while it was) after `older_than`, and apply what Stripe says
    through the webhook's own code path."""
    now = timezone.now()
    candidates = (
        Payment.objects.filter(
            order__status__in=[Order.Status.PENDING_PAYMENT, Order.Status.EXPIRED],
            created_at__lte=now - older_than,
            created_at__gte=now - within,
        )
        .exclude(status__in=FINAL_STATUSES)
        .order_by("created_at")[:500]
    )
    results: dict[str, int] = {}
    for payment in candidates:
        try:
            result = sync_payment_intent(payment=payment, source="reconciliation")
        except gateway.StripeError as error:
            logger.warning("Could not check %s: %s", payment.stripe_payment_intent_id, error)
            result = "error"
        results[result] = results.get(result, 0) + 1
    return results
