"""Signed Stripe events of random shapes: only someone holding the signing secret can send
them, but a 500 makes Stripe retry for days. Each is applied (200) or refused (400) with no
row stored; never a 5xx (the test client raises what a 500 would hide)."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import Order
from payments.event_shapes import SUBSCRIBED_EVENTS
from payments.models import Payment, StripeEvent
from tests.conftest import payment_intent_event, post_webhook, signed_event

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz, pytest.mark.webhooks]

# Lone surrogates and NUL too: JSON can carry both, PostgreSQL stores neither.
any_text = st.text(max_size=30) | st.sampled_from(
    ["\ud800", "evt_\udfff", "\x00", "pi_" + "x" * 300, "usd", "zzz", "succeeded"]
)
numbers = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 2**63, 2**63 - 1, 10**30, 99_999_999_999, 10**11]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, any_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3),
    max_leaves=8,
)
FIELDS = [
    ["id"],
    ["type"],
    ["created"],
    ["livemode"],
    ["data"],
    ["data", "object"],
    *(
        ["data", "object", name]
        for name in (
            "id",
            "amount",
            "amount_received",
            "currency",
            "status",
            "metadata",
            "last_payment_error",
            "latest_charge",
            "payment_method",
            "cancellation_reason",
            "object",
            "charge",
            "payment_intent",
            "reason",
        )
    ),
    ["data", "object", "metadata", "order_number"],
]
# Every event the shop subscribes to, and one it does not (it must be stored and ignored).
TYPES = [*SUBSCRIBED_EVENTS, "customer.created"]


def test_signed_events_of_random_shapes_are_applied_or_refused_never_a_500(
    client, order, require_postgres
):
    intent = {
        "id": f"pi_fuzz_{order.number}",
        "object": "payment_intent",
        "amount": 2500,
        "amount_received": 2500,
        "currency": "usd",
        "status": "requires_payment_method",
        "metadata": {"order_number": order.number},
    }
    Payment.objects.create(order=order, stripe_payment_intent_id=intent["id"], amount=order.total)
    seen = {"applied": 0, "refused": 0}

    @settings(
        max_examples=120, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(
        event_type=st.sampled_from(TYPES),
        changes=st.lists(st.tuples(st.sampled_from(FIELDS), json_values), min_size=1, max_size=3),
    )
    def deliver(event_type, changes):
        event = payment_intent_event(copy.deepcopy(intent), event_type=event_type)
        for path, value in changes:
            target = event
            for key in path[:-1]:
                target = target.get(key) if isinstance(target, dict) else None
            if isinstance(target, dict):
                target[path[-1]] = value
        stored = StripeEvent.objects.count()

        response = post_webhook(client, *signed_event(json.dumps(event)))  # NaN written as NaN

        assert response.status_code in (200, 400), (response.status_code, event)
        if response.status_code == 400:
            assert StripeEvent.objects.count() == stored, event
            seen["refused"] += 1
        else:
            assert not StripeEvent.objects.exclude(error="").exists(), event
            seen["applied"] += 1

    deliver()

    assert seen["refused"] > 0
    assert Order.objects.get(pk=order.pk).status in (
        Order.Status.PENDING_PAYMENT,
        Order.Status.PAID,
    )
