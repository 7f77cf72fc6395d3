"""Signed but malformed Stripe events are refused with a 400 and leave no row behind."""

import copy

import pytest

from orders.models import Order
from payments.models import StripeEvent
from tests.conftest import payment_intent_event, post_webhook, signed_event

pytestmark = [pytest.mark.django_db, pytest.mark.webhooks]


def _intent(order):
    return {
        "id": f"pi_test_{order.number}",
        "object": "payment_intent",
        "amount": 2500,
        "amount_received": 2500,
        "currency": "usd",
        "status": "succeeded",
        "metadata": {"order_number": order.number},
    }


def _drop(path):
    def change(event):
        *parents, last = path
        target = event
        for key in parents:
            target = target[key]
        del target[last]

    return change


def _set(path, value):
    def change(event):
        *parents, last = path
        target = event
        for key in parents:
            target = target[key]
        target[last] = value

    return change


MALFORMED = {
    "object without id": _drop(["data", "object", "id"]),
    "object id with NUL": _set(["data", "object", "id"], "pi_\x00abc"),
    "event id with NUL": _set(["id"], "evt_\x00abc"),
    "NUL in metadata": _set(["data", "object", "metadata", "order_number"], "A\x00B"),
    "NUL in a key": _set(["data", "object", "metadata", "or\x00der"], "x"),
    "object id a number": _set(["data", "object", "id"], 12),
    "amount a string": _set(["data", "object", "amount"], "2500"),
    "amount a boolean": _set(["data", "object", "amount"], True),
    "amount negative": _set(["data", "object", "amount"], -1),
    "no currency": _drop(["data", "object", "currency"]),
    "currency too long": _set(["data", "object", "currency"], "dollars"),
    "no status": _drop(["data", "object", "status"]),
    "metadata a list": _set(["data", "object", "metadata"], ["order"]),
    "error a string": _set(["data", "object", "last_payment_error"], "declined"),
    "created a string": _set(["created"], "yesterday"),
    "data a list": _set(["data"], []),
    "no type": _drop(["type"]),
    "id not an event id": _set(["id"], "pi_123"),
}


@pytest.mark.parametrize("change", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_payment_intent_event_is_refused_and_stores_nothing(client, order, change):
    event = payment_intent_event(_intent(order))
    change(event)

    response = post_webhook(client, *signed_event(event))

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


@pytest.mark.parametrize(
    "event_type, obj",
    [
        ("charge.refunded", {"object": "charge"}),
        ("charge.refunded", {"id": "ch_1", "payment_intent": {"id": "pi_1"}}),
        ("charge.dispute.created", {"id": "dp_1", "amount": "12"}),
        ("charge.dispute.closed", {"id": "dp_1", "charge": 5}),
    ],
)
def test_malformed_charge_and_dispute_events_are_refused(client, event_type, obj):
    event = payment_intent_event({}, event_type=event_type)
    event["data"]["object"] = obj

    assert post_webhook(client, *signed_event(event)).status_code == 400
    assert StripeEvent.objects.count() == 0


def test_a_well_formed_event_still_applies(client, order):
    from payments.models import Payment

    intent = _intent(order)
    Payment.objects.create(order=order, stripe_payment_intent_id=intent["id"], amount=order.total)
    event = payment_intent_event(copy.deepcopy(intent))

    response = post_webhook(client, *signed_event(event))

    assert response.status_code == 200, response.content
    assert Order.objects.get(pk=order.pk).status == Order.Status.PAID
