"""Payment operations: starting a payment and applying what Stripe tells us.

Only facts from Stripe change an order here: a verified webhook event, or a PaymentIntent we
retrieved from Stripe's API ourselves. Both go through `apply_payment_intent`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from payments import gateway
from payments.amounts import from_stripe_amount, to_stripe_amount
from payments.exceptions import PaymentNotPossible
from payments.models import Payment, StripeEvent

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
                f"Order {order.number} cannot be paid: it is {order.get_status_display().lower()}."
            )
        amount, currency = to_stripe_amount(order.total)
        for payment in order.payments.filter(status__in=REUSABLE_STATUSES):
            intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
            if intent.status in REUSABLE_STATUSES and intent.amount == amount:
                return PaymentSession(payment=payment, client_secret=intent.client_secret)
            payment.status = intent.status
            payment.save(update_fields=["status", "updated_at"])
        attempt = order.payments.count() + 1
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


def apply_payment_intent(intent: dict, *, source: str) -> str:
    """Bring our records in line with a PaymentIntent as Stripe reported it. Idempotent."""
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
        if payment.status != "succeeded":
            payment.status = status
        error = (intent.get("last_payment_error") or {}).get("message", "")
        if error:
            payment.last_error = error
        payment.save(update_fields=["status", "last_error", "updated_at"])
        if status == "succeeded":
            received = intent.get("amount_received") or intent["amount"]
            outcome = order_services.mark_paid(
                order_id=payment.order_id,
                amount=from_stripe_amount(received, intent["currency"]),
                reference=intent["id"],
                actor=source,
            )
            return outcome.value
        if status == "requires_payment_method" and error:
            order_services.record_event(
                order=payment.order,
                kind="payment_failed",
                actor=source,
                message=f"Payment {intent['id']} failed: {error}",
            )
            return "payment_failed"
    return f"status_{status}"


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
    return apply_payment_intent(intent.to_dict(), source=source)


def _on_payment_intent(event: dict) -> str:
    return apply_payment_intent(event["data"]["object"], source="stripe webhook")


HANDLERS = {
    "payment_intent.succeeded": _on_payment_intent,
    "payment_intent.payment_failed": _on_payment_intent,
}


def record_and_apply(event: dict) -> str:
    """Store the verified event, then apply it once, whatever the number of deliveries."""
    stored, _ = StripeEvent.objects.get_or_create(
        stripe_id=event["id"],
        defaults={"type": event["type"], "payload": event, "livemode": bool(event.get("livemode"))},
    )
    try:
        with transaction.atomic():
            stored = StripeEvent.objects.select_for_update().get(pk=stored.pk)
            if stored.processed_at is not None:
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
        StripeEvent.objects.filter(pk=stored.pk).update(error=repr(error)[:2000])
        raise
