"""Payment operations: starting a payment and applying what Stripe tells us.

Only facts from Stripe change an order here: a verified webhook event, or a PaymentIntent we
retrieved from Stripe's API ourselves. Both go through `apply_payment_intent`. The webhook event
store (storing each event once and dispatching it to its handler) is payments/events.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders import services as order_services
from orders.models import Order, OrderEvent
from payments import gateway, refunds
from payments import metrics as payment_metrics
from payments.amounts import from_stripe_amount, stripe_amount_due, to_stripe_amount
from payments.exceptions import PaymentErrorCode, PaymentNotPossible
from payments.models import Payment
from payments.outcomes import WebhookOutcome
from payments.signals import payment_failed, payment_succeeded
from shop import metrics
from shop.money import zero

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
                % {"number": order.number, "status": order.get_status_display().lower()},
                PaymentErrorCode.NOT_PAYABLE,
            )
        amount, currency = stripe_amount_due(order)
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
            amount_refunded=zero(intent.currency.upper()),
        )
        order_services.record_event(
            order=order,
            kind=OrderEvent.Kind.PAYMENT_STARTED,
            actor="shopper",
            message=f"Payment {intent.id} started for {payment.amount}.",
        )
        return PaymentSession(payment=payment, client_secret=intent.client_secret)


FINAL_STATUSES = {"succeeded", "canceled"}
# What the order's log says when a PaymentIntent reaches these states, and what it came to.
STATUS_EVENTS = {
    "canceled": (
        OrderEvent.Kind.PAYMENT_CANCELED,
        "Payment {id} was canceled{reason}.",
        WebhookOutcome.PAYMENT_CANCELED,
    ),
    "processing": (
        OrderEvent.Kind.PAYMENT_PROCESSING,
        "Payment {id} is processing; Stripe will tell us the outcome.",
        WebhookOutcome.PAYMENT_PROCESSING,
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
        return WebhookOutcome.UNKNOWN_PAYMENT_INTENT
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
            return WebhookOutcome.STALE
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
            return WebhookOutcome(outcome.value)
        changed = status != previous
        if status == "requires_payment_method" and error:
            _log_failure(payment, intent, error, source)
            return WebhookOutcome.PAYMENT_FAILED
        if status in STATUS_EVENTS and changed:
            kind, message, outcome = STATUS_EVENTS[status]
            reason = intent.get("cancellation_reason")
            order_services.record_event(
                order=payment.order,
                kind=kind,
                actor=source,
                message=message.format(id=intent["id"], reason=f" ({reason})" if reason else ""),
            )
            return outcome
    return WebhookOutcome.STATUS.detailed(status)


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
        kind=OrderEvent.Kind.PAYMENT_FAILED, data__charge=failed_charge
    ):
        return
    order_services.record_event(
        order=payment.order,
        kind=OrderEvent.Kind.PAYMENT_FAILED,
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
            kind=OrderEvent.Kind.PAYMENT_RECOVERED,
            actor="stripe",
            message=f"Recorded payment {intent['id']} found at Stripe.",
        )
    return payment


def sync_payment_intent(*, payment: Payment, source: str) -> str:
    """Ask Stripe for the PaymentIntent and apply what it says (return page, reconciliation)."""
    intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    return apply_payment_intent(intent.to_dict(), source=source, payment=payment)


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
            result = WebhookOutcome.ERROR
        results[result] = results.get(result, 0) + 1
    return results


def start_extra_payment(
    *, order_id: int, amount, idempotency_key: str, existing: str = ""
) -> PaymentSession:
    """A PaymentIntent for money owed on top of a paid order (an exchange's dearer
    replacement), charged only when the shopper confirms it on a payment page. Created once:
    the caller keeps its id and passes it back as `existing`. When it succeeds the order's
    status stays as it is (mark_paid: already paid); its Payment row records the money."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if existing:
            payment = Payment.objects.get(order=order, stripe_payment_intent_id=existing)
            intent = gateway.retrieve_payment_intent(existing)
            return PaymentSession(payment=payment, client_secret=intent.client_secret)
        units, currency = to_stripe_amount(amount)
        intent = gateway.create_payment_intent(
            amount=units,
            currency=currency,
            order_number=order.number,
            email=order.email,
            idempotency_key=idempotency_key,
        )
        payment = Payment.objects.create(
            order=order,
            stripe_payment_intent_id=intent.id,
            status=intent.status,
            amount=from_stripe_amount(intent.amount, intent.currency),
            amount_refunded=zero(intent.currency.upper()),
        )
        order_services.record_event(
            order=order,
            kind=OrderEvent.Kind.PAYMENT_STARTED,
            actor="shopper",
            message=f"Payment {intent.id} started for {payment.amount} (owed on top of the order).",
        )
        return PaymentSession(payment=payment, client_secret=intent.client_secret)
