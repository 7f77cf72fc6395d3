"""The webhook event store: every verified Stripe event stored by its id, then applied once by
its handler (a duplicate delivery is a no-op), kept for the replay and fetch commands.

The handlers bring our records in line through payments/services.py and payments/refunds.py.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from orders import services as order_services
from orders.models import Order, OrderEvent
from payments import event_shapes, gateway, refunds
from payments.amounts import from_stripe_amount
from payments.models import Payment, StripeEvent
from payments.outcomes import WebhookOutcome
from payments.services import apply_payment_intent
from shop.money import as_text

logger = logging.getLogger(__name__)


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
        return WebhookOutcome.UNKNOWN_PAYMENT
    changed = refunds.sync_refunds(payment=payment, source="stripe webhook")
    return WebhookOutcome.REFUNDS_SYNCED.detailed(changed)


def _on_dispute(event: dict) -> str:
    dispute = event["data"]["object"]
    payment = _payment_for_charge(dispute)
    if payment is None:
        return WebhookOutcome.UNKNOWN_PAYMENT
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=payment.order_id).first()
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        payment.dispute_status = dispute.get("status", "")
        payment.save(update_fields=["dispute_status", "updated_at"])
        amount = from_stripe_amount(dispute.get("amount") or 0, dispute.get("currency") or "usd")
        if event["type"] == "charge.dispute.created":
            order_services.flag(
                order_id=payment.order_id,
                kind=OrderEvent.Kind.DISPUTE_OPENED,
                actor="stripe webhook",
                message=f"The shopper's bank disputes {as_text(amount)} (reason: "
                f"{dispute.get('reason') or 'not given'}). Answer it in the Stripe dashboard "
                "before its deadline.",
                data={"dispute": dispute.get("id"), "reason": dispute.get("reason")},
            )
            return WebhookOutcome.DISPUTE_OPENED
        order_services.flag(
            order_id=payment.order_id,
            kind=OrderEvent.Kind.DISPUTE_CLOSED,
            actor="stripe webhook",
            message=f"The dispute of {as_text(amount)} is closed: "
            f"{dispute.get('status') or 'unknown'}.",
            data={"dispute": dispute.get("id"), "status": dispute.get("status")},
        )
        return WebhookOutcome.DISPUTE_CLOSED


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
                return WebhookOutcome.DUPLICATE
            handler = HANDLERS.get(stored.type)
            result = handler(stored.payload) if handler else WebhookOutcome.IGNORED
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
            result = WebhookOutcome.ERROR
        results[result] = results.get(result, 0) + 1
    return results


def fetch_and_apply_events(*, days: int) -> dict[str, int]:
    """After an outage: ask Stripe for the events of the last `days` days and apply each one
    we do not have (those we have are duplicates and change nothing)."""
    since = int((timezone.now() - timedelta(days=days)).timestamp())
    results: dict[str, int] = {}
    for event in gateway.list_events(created_gte=since):
        if not is_well_formed(event):
            result = WebhookOutcome.MALFORMED
        else:
            try:
                result = record_and_apply(event)
            except Exception:
                logger.exception("Applying %s failed", event.get("id"))
                result = WebhookOutcome.ERROR
        results[result] = results.get(result, 0) + 1
    return results
