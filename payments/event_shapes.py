"""The shape of every Stripe event we store and apply, checked before anything is stored.

A signed event is Stripe's word, but the handlers index into it (`object["id"]`,
`object["amount"]`) and PostgreSQL refuses some text (a NUL character, in a column or in
JSONB). So each field a handler relies on is checked here: a malformed event is answered 400
and leaves no row behind, instead of a KeyError or a DataError half-way through.
"""

from __future__ import annotations

from typing import Any

MAX_ID = 255

# The events the shop's webhook endpoint subscribes to (payments/services.py handles each; the
# README's deployment steps list them for the Stripe dashboard, and the emulator sends only
# these to the URLs it is started with). Any other event is stored and ignored.
SUBSCRIBED_EVENTS = (
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "payment_intent.processing",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.closed",
)


def _contains_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


def _is_id(value: Any, prefix: str = "") -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID and value.startswith(prefix)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_currency(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 3 and value.isascii() and value.isalpha()


def _optional(value: Any, check) -> bool:
    return value is None or check(value)


def _payment_intent_problem(obj: dict) -> str:
    if not _is_id(obj.get("id"), "pi_"):
        return "the PaymentIntent has no valid id"
    if not isinstance(obj.get("status"), str) or len(obj["status"]) > 40:
        return "the PaymentIntent has no valid status"
    if not _is_int(obj.get("amount")) or obj["amount"] < 0:
        return "the PaymentIntent has no valid amount"
    if not _optional(obj.get("amount_received"), lambda v: _is_int(v) and v >= 0):
        return "the PaymentIntent's amount_received is not a whole number"
    if not _is_currency(obj.get("currency")):
        return "the PaymentIntent has no valid currency"
    metadata = obj.get("metadata")
    if not _optional(metadata, lambda v: isinstance(v, dict)) or not all(
        isinstance(v, str) for v in (metadata or {}).values()
    ):
        return "the PaymentIntent's metadata is not a map of strings"
    error = obj.get("last_payment_error")
    if not _optional(error, lambda v: isinstance(v, dict)):
        return "the PaymentIntent's last_payment_error is not an object"
    if error and not all(
        _optional(error.get(k), lambda v: isinstance(v, str)) for k in ("message", "charge")
    ):
        return "the PaymentIntent's last_payment_error has fields of the wrong type"
    charge = obj.get("latest_charge")
    if not _optional(
        charge, lambda v: _is_id(v) or (isinstance(v, dict) and _optional(v.get("id"), _is_id))
    ):
        return "the PaymentIntent's latest_charge is not a charge"
    if not _optional(obj.get("cancellation_reason"), lambda v: isinstance(v, str)):
        return "the PaymentIntent's cancellation_reason is not text"
    return ""


def _charge_problem(obj: dict) -> str:
    if not _is_id(obj.get("id")):
        return "the charge has no valid id"
    if not _optional(obj.get("payment_intent"), _is_id):
        return "the charge's payment_intent is not an id"
    return ""


def _dispute_problem(obj: dict) -> str:
    if not _is_id(obj.get("id")):
        return "the dispute has no valid id"
    for field in ("charge", "payment_intent"):
        if not _optional(obj.get(field), _is_id):
            return f"the dispute's {field} is not an id"
    if not _optional(obj.get("amount"), lambda v: _is_int(v) and v >= 0):
        return "the dispute's amount is not a whole number"
    if not _optional(obj.get("currency"), _is_currency):
        return "the dispute's currency is not valid"
    for field in ("status", "reason"):
        if not _optional(obj.get(field), lambda v: isinstance(v, str) and len(v) <= 40):
            return f"the dispute's {field} is not valid"
    return ""


OBJECT_CHECKS = {
    "payment_intent.": _payment_intent_problem,
    "charge.dispute.": _dispute_problem,
    "charge.": _charge_problem,
}


def problem_with(event: Any) -> str:
    """What is wrong with the event's shape, in words for the log; empty if nothing."""
    if not isinstance(event, dict):
        return "the body is not a JSON object"
    if _contains_nul(event):
        return "the event contains a NUL character"
    if not _is_id(event.get("id"), "evt_"):
        return "the event has no valid id"
    if not isinstance(event.get("type"), str) or not 0 < len(event["type"]) <= 100:
        return "the event has no valid type"
    if not _optional(event.get("created"), _is_int):
        return "the event's created time is not a whole number"
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "the event has no data object"
    for prefix, check in OBJECT_CHECKS.items():
        if event["type"].startswith(prefix):
            return check(data["object"])
    return ""
