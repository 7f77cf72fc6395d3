"""Every call we make to Stripe, through the official library. Settings are read per call."""

from __future__ import annotations

import functools
import json

import stripe
from django.conf import settings

PaymentIntent = stripe.PaymentIntent
StripeError = stripe.StripeError


@functools.lru_cache(maxsize=4)
def _client(secret_key: str, api_base: str) -> stripe.StripeClient:
    options = {"base_addresses": {"api": api_base}} if api_base else {}
    return stripe.StripeClient(secret_key, max_network_retries=2, **options)


def client() -> stripe.StripeClient:
    return _client(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE)


def create_payment_intent(
    *, amount: int, currency: str, order_number: str, email: str, idempotency_key: str
) -> stripe.PaymentIntent:
    return client().v1.payment_intents.create(
        params={
            "amount": amount,
            "currency": currency,
            # No receipt_email: the shop sends its own confirmation (and localstripe refuses it).
            "metadata": {"order_number": order_number, "email": email},
            "payment_method_types": ["card"],
        },
        options={"idempotency_key": idempotency_key},
    )


def retrieve_payment_intent(payment_intent_id: str) -> stripe.PaymentIntent:
    return client().v1.payment_intents.retrieve(payment_intent_id)


def retrieve_payment_method(payment_method_id: str) -> stripe.PaymentMethod:
    return client().v1.payment_methods.retrieve(payment_method_id)


def cancel_payment_intent(payment_intent_id: str) -> stripe.PaymentIntent:
    return client().v1.payment_intents.cancel(payment_intent_id)


def create_refund(
    *, payment_intent_id: str, amount: int, metadata: dict, idempotency_key: str
) -> stripe.Refund:
    """Stripe's `reason` takes three fixed values; ours is free text, so it goes in metadata."""
    return client().v1.refunds.create(
        params={"payment_intent": payment_intent_id, "amount": amount, "metadata": metadata},
        options={"idempotency_key": idempotency_key},
    )


def list_refunds(payment_intent_id: str) -> list[dict]:
    page = client().v1.refunds.list(params={"payment_intent": payment_intent_id, "limit": 100})
    return [refund.to_dict() for refund in page.auto_paging_iter()]


def list_events(*, created_gte: int):
    """Every event Stripe kept since `created_gte` (a Unix time), oldest first."""
    page = client().v1.events.list(params={"created": {"gte": created_gte}, "limit": 100})
    events = [event.to_dict() for event in page.auto_paging_iter()]
    return sorted(events, key=lambda event: (event.get("created") or 0, event["id"]))


def construct_event(payload: bytes, signature: str) -> dict:
    """Verify the signature and its timestamp (Stripe's 5 minutes' tolerance), then parse.
    Raises stripe.SignatureVerificationError or ValueError (not UTF-8, not a JSON object,
    nested deeper than the parser's recursion allows)."""
    stripe.WebhookSignature.verify_header(
        payload.decode("utf-8") if isinstance(payload, bytes) else payload,
        signature,
        settings.STRIPE_WEBHOOK_SECRET,
        stripe.Webhook.DEFAULT_TOLERANCE,
    )
    try:
        event = json.loads(payload)
    except RecursionError as error:  # json.loads recurses once per level of nesting
        raise ValueError("the body is nested too deeply") from error
    if not isinstance(event, dict):
        raise ValueError("the body is not a JSON object")
    return event
