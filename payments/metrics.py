"""The payments' own metrics: failed attempts and Stripe events by type and outcome.

Declared here, by the app that counts them (shop/metrics.py keeps the app-neutral registry,
request metrics and `count_on_commit`); the names Prometheus sees are unchanged.
"""

from __future__ import annotations

from prometheus_client import Counter

from payments.event_shapes import SUBSCRIBED_EVENTS

PAYMENTS_FAILED = Counter("shop_payments_failed_total", "Payment attempts that failed.")
WEBHOOK_EVENTS = Counter(
    "shop_webhook_events_total", "Stripe events received, by type and outcome.", ["type", "outcome"]
)

# Outcomes of a Stripe event, as payments.services.record_and_apply says them, reduced to the
# few an operator alerts on.
WEBHOOK_OUTCOMES = {"duplicate": "duplicate", "stale": "stale", "ignored": "ignored"}

# The event types the shop handles; any other is counted as "other" (labels stay few).
EVENT_TYPES = set(SUBSCRIBED_EVENTS)


def webhook_outcome(result: str) -> str:
    return WEBHOOK_OUTCOMES.get(result, "applied")


def event_type(value) -> str:
    return value if value in EVENT_TYPES else "other"
