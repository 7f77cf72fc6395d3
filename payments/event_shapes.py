"""The shape of every Stripe event we store and apply, checked before anything is stored.

A signed event is Stripe's word, but the handlers index into it (`object["id"]`,
`object["amount"]`), PostgreSQL refuses some values (a NUL character or a lone surrogate in
text or JSONB, NaN in JSONB) and our columns have sizes (amounts, `created` in a bigint). So
the whole event, and each field a handler relies on, is checked here: a malformed event is
answered 400 and leaves no row behind, instead of a KeyError, a DataError or an
InvalidOperation half-way through.
"""

from __future__ import annotations

import math
from typing import Any

import moneyed

MAX_ID = 255
# What our amount columns hold (14 digits, 3 after the point) in any currency's minor unit;
# Stripe's own limit is 8 digits for most currencies, 12 for a few we do not sell in.
MAX_AMOUNT = 99_999_999_999
# A Unix time no later than 9999-12-31 (our `last_event_created` is a bigint, and dates end).
MAX_CREATED = 253_402_300_799
# Stripe's event objects nest a handful of levels; anything deeper is not Stripe's.
MAX_DEPTH = 20
# Stripe's limits on metadata: 50 keys of up to 40 characters, values of up to 500.
MAX_METADATA_KEYS, MAX_METADATA_KEY, MAX_METADATA_VALUE = 50, 40, 500

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


def _content_problem(event: Any) -> str:
    """What anywhere in the event PostgreSQL could not store, walked without recursion.

    PostgreSQL refuses a NUL character and a lone UTF-16 surrogate (JSON's "\\ud800", which
    Python decodes but cannot encode as UTF-8) in text and in JSONB, and NaN or Infinity in
    JSONB; Stripe nests objects a few levels deep, never dozens.
    """
    stack: list[tuple[Any, int]] = [(event, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return "the event is nested too deeply"
        if isinstance(value, dict):
            for key, item in value.items():
                if problem := _string_problem(key):
                    return problem
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            if problem := _string_problem(value):
                return problem
        elif isinstance(value, float) and not math.isfinite(value):
            return "the event contains a number that is not finite"
    return ""


def _string_problem(text: str) -> str:
    if "\x00" in text:
        return "the event contains a NUL character"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "the event contains text that is not valid Unicode"
    return ""


def _is_id(value: Any, prefix: str = "") -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_ID and value.startswith(prefix)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_amount(value: Any) -> bool:
    return _is_int(value) and 0 <= value <= MAX_AMOUNT


def _is_metadata(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) <= MAX_METADATA_KEYS
        and all(
            len(k) <= MAX_METADATA_KEY and isinstance(v, str) and len(v) <= MAX_METADATA_VALUE
            for k, v in value.items()
        )
    )


def _is_id_or_object(value: Any) -> bool:
    """An id, or the object expanded in its place (whose id, if any, is an id)."""
    return _is_id(value) or (isinstance(value, dict) and _optional(value.get("id"), _is_id))


def _is_currency(value: Any) -> bool:
    """An ISO 4217 code that Money knows (an unknown one would fail half-way through)."""
    return (
        isinstance(value, str)
        and len(value) == 3
        and value.isascii()
        and value.isalpha()
        and value.upper() in moneyed.CURRENCIES
    )


def _optional(value: Any, check) -> bool:
    return value is None or check(value)


def _payment_intent_problem(obj: dict) -> str:
    if not _is_id(obj.get("id"), "pi_"):
        return "the PaymentIntent has no valid id"
    if not isinstance(obj.get("status"), str) or len(obj["status"]) > 40:
        return "the PaymentIntent has no valid status"
    if not _is_amount(obj.get("amount")):
        return "the PaymentIntent has no valid amount"
    if not _optional(obj.get("amount_received"), _is_amount):
        return "the PaymentIntent's amount_received is not a valid amount"
    if not _is_currency(obj.get("currency")):
        return "the PaymentIntent has no valid currency"
    if not _optional(obj.get("metadata"), _is_metadata):
        return "the PaymentIntent's metadata is not a map of strings within Stripe's limits"
    error = obj.get("last_payment_error")
    if not _optional(error, lambda v: isinstance(v, dict)):
        return "the PaymentIntent's last_payment_error is not an object"
    if error and not all(
        _optional(error.get(k), lambda v: isinstance(v, str)) for k in ("message", "charge")
    ):
        return "the PaymentIntent's last_payment_error has fields of the wrong type"
    if not _optional(obj.get("latest_charge"), _is_id_or_object):
        return "the PaymentIntent's latest_charge is not a charge"
    if not _optional(obj.get("payment_method"), _is_id_or_object):
        return "the PaymentIntent's payment_method is not a payment method"
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
    if not _optional(obj.get("amount"), _is_amount):
        return "the dispute's amount is not a valid amount"
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
    if problem := _content_problem(event):
        return problem
    if not _is_id(event.get("id"), "evt_"):
        return "the event has no valid id"
    if not isinstance(event.get("type"), str) or not 0 < len(event["type"]) <= 100:
        return "the event has no valid type"
    if not _optional(event.get("created"), lambda v: _is_int(v) and 0 <= v <= MAX_CREATED):
        return "the event's created time is not a valid Unix time"
    data = event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "the event has no data object"
    for prefix, check in OBJECT_CHECKS.items():
        if event["type"].startswith(prefix):
            return check(data["object"])
    return ""
