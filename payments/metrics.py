"""The payments' own metrics: failed attempts and Stripe events by type and outcome (the
outcome's label is `payments.outcomes.WebhookOutcome.metric_label`).

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

# The event types the shop handles; any other is counted as "other" (labels stay few).
EVENT_TYPES = set(SUBSCRIBED_EVENTS)


def event_type(value) -> str:
    return value if value in EVENT_TYPES else "other"
