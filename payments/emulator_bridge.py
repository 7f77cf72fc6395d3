"""What Stripe.js does in the browser, done against the local emulator (demo and tests only).

localstripe has no Payment Element, and only accepts secret keys for most calls, so our
Stripe.js stand-in posts the typed test card here and we make the calls Stripe.js would:
create the PaymentMethod, attach it, confirm, and complete a 3D Secure step.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import stripe
from django.conf import settings

from payments import gateway


class BridgeError(Exception):
    def __init__(self, message: str, kind: str = "card_error"):
        super().__init__(message)
        self.kind = kind


# A PaymentIntent in one of these states has been confirmed already.
CONFIRMED = ("processing", "requires_capture", "requires_action", "succeeded")


def _intent_for(client_secret: str) -> stripe.PaymentIntent:
    intent_id = client_secret.split("_secret_")[0]
    if not intent_id.startswith("pi_"):
        raise BridgeError("This payment is not valid.", "invalid_request_error")
    try:
        intent = gateway.retrieve_payment_intent(intent_id)
    except stripe.InvalidRequestError:
        raise BridgeError("This payment is not valid.", "invalid_request_error") from None
    if intent.client_secret != client_secret:
        raise BridgeError("This payment is not valid.", "invalid_request_error")
    return intent


def confirm_with_card(
    *, client_secret: str, number: str, exp_month: int, exp_year: int, cvc: str
) -> dict:
    intent = _intent_for(client_secret)
    if intent.status in CONFIRMED:
        # Sent again (a load balancer resending it after the node that had it died, a
        # double click): already confirmed, so the same answer and no second charge.
        return _summary(intent)
    client = gateway.client()
    try:
        method = client.v1.payment_methods.create(
            params={
                "type": "card",
                "card": {
                    "number": number,
                    "exp_month": exp_month,
                    "exp_year": exp_year,
                    "cvc": cvc,
                },
            }
        )
        client.v1.payment_intents.update(intent.id, params={"payment_method": method.id})
        intent = client.v1.payment_intents.confirm(intent.id)
    except stripe.CardError as error:
        raise BridgeError(error.user_message or "Your card was declined.") from None
    except stripe.InvalidRequestError:
        raise BridgeError("Your card details are incomplete or invalid.") from None
    return _summary(intent)


def authenticate(*, client_secret: str, success: bool) -> dict:
    """The 3D Secure step: the emulator takes it with the publishable key, as Stripe.js does."""
    intent = _intent_for(client_secret)
    url = f"{settings.STRIPE_API_BASE}/v1/payment_intents/{intent.id}/_authenticate"
    body = urllib.parse.urlencode(
        {
            "key": settings.STRIPE_PUBLISHABLE_KEY,
            "client_secret": client_secret,
            "success": "true" if success else "false",
        }
    ).encode()
    with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:  # noqa: S310
        json.load(response)
    intent = gateway.retrieve_payment_intent(intent.id)
    if not success:
        raise BridgeError("We could not authenticate your payment. Please try again.")
    return _summary(intent)


def _summary(intent) -> dict:
    error = intent.last_payment_error.message if intent.last_payment_error else ""
    if intent.status == "requires_payment_method" and error:
        raise BridgeError(error)
    return {"id": intent.id, "status": intent.status}
