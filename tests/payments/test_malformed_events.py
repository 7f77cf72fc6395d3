"""Signed but malformed Stripe events are refused with a 400 and leave no row behind."""

import copy
import hashlib
import hmac
import json
import time

import pytest
from django.conf import settings
from django.urls import reverse

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
        ("charge.dispute.created", {"id": "dp_1", "charge": "ch_1", "amount": 10**30}),
        ("charge.dispute.created", {"id": "dp_1", "charge": "ch_1", "currency": "zzz"}),
        ("charge.dispute.created", {"id": "dp_1", "charge": "ch_\ud800"}),
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


# Shapes the outside test sent with a valid signature (issue 31), and their family. Each is
# refused with a 400 whether or not the PaymentIntent is already ours (recorded, or adopted by
# the order number in its metadata), and leaves no StripeEvent row and no order changed.
ODD_SHAPES = {
    "amount 10^30": _set(["data", "object", "amount"], 10**30),
    "amount_received 10^30": _set(["data", "object", "amount_received"], 10**30),
    "amount a float": _set(["data", "object", "amount"], 2500.0),
    "amount infinite": _set(["data", "object", "amount"], float("inf")),
    "amount_received negative": _set(["data", "object", "amount_received"], -2500),
    "amount_received a string": _set(["data", "object", "amount_received"], "2500"),
    "created 2^63": _set(["created"], 2**63),
    "created 10^30": _set(["created"], 10**30),
    "created negative": _set(["created"], -1),
    "created a float": _set(["created"], 1.5e9),
    "created a boolean": _set(["created"], True),
    "lone surrogate in the event id": _set(["id"], "evt_\ud800"),
    "lone surrogate in the type": _set(["type"], "payment_intent.succeeded\udfff"),
    "lone surrogate in a metadata value": _set(
        ["data", "object", "metadata", "order_number"], "\ud800"
    ),
    "lone surrogate in a metadata key": _set(["data", "object", "metadata", "\udc00"], "x"),
    "lone surrogate in the PaymentIntent id": _set(["data", "object", "id"], "pi_\ud800"),
    "lone surrogate in an error message": _set(
        ["data", "object", "last_payment_error"], {"message": "no\ud800"}
    ),
    "huge event id": _set(["id"], "evt_" + "x" * 100_000),
    "huge PaymentIntent id": _set(["data", "object", "id"], "pi_" + "x" * 10_000),
    "huge metadata value": _set(["data", "object", "metadata", "note"], "x" * 1_000_000),
    "NUL in the type": _set(["type"], "payment_intent.succeeded\x00"),
    "NUL in the currency": _set(["data", "object", "currency"], "us\x00"),
    "a currency that does not exist": _set(["data", "object", "currency"], "zzz"),
    "a nested map in metadata": _set(["data", "object", "metadata"], {"a": {"b": "c"}}),
    "too many metadata keys": _set(
        ["data", "object", "metadata"], {f"k{i}": "v" for i in range(51)}
    ),
    "NaN in an unknown field": _set(["data", "object", "risk"], float("nan")),
    "Infinity in an unknown field": _set(["livemode_score"], float("-inf")),
    "payment_method too long": _set(["data", "object", "payment_method"], "pm_" + "x" * 300),
    "payment_method a number": _set(["data", "object", "payment_method"], 42),
    "30 levels of nesting": _set(["data", "object", "shipping"], json.loads("[" * 30 + "]" * 30)),
}


@pytest.mark.parametrize("recorded", [True, False], ids=["recorded payment", "adopted payment"])
@pytest.mark.parametrize("change", ODD_SHAPES.values(), ids=ODD_SHAPES.keys())
def test_a_signed_event_of_an_odd_shape_is_refused_and_changes_nothing(
    client, order, change, recorded
):
    from payments.models import Payment

    intent = _intent(order)
    if recorded:
        Payment.objects.create(
            order=order, stripe_payment_intent_id=intent["id"], amount=order.total
        )
    event = payment_intent_event(intent)
    change(event)

    response = post_webhook(client, *signed_event(event))

    assert response.status_code == 400, response.content[:300]
    assert StripeEvent.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
    assert Payment.objects.filter(order=order).count() == int(recorded)


DEEP = 100_000
ODD_BODIES = {
    "100,000 nested arrays": "[" * DEEP + "]" * DEEP,
    "100,000 nested objects": '{"a":' * DEEP + "1" + "}" * DEEP,
    "an event with 100,000 nested arrays in its metadata": (
        '{"id": "evt_deep", "object": "event", "type": "payment_intent.succeeded", '
        '"data": {"object": {"metadata": {"x": ' + "[" * DEEP + "]" * DEEP + "}}}}"
    ),
    "an integer of 5,000 digits": '{"id": "evt_big", "type": "x", "created": ' + "9" * 5000 + "}",
    "NaN": '{"id": "evt_nan", "type": "x", "created": NaN, "data": {"object": {}}}',
    "invalid UTF-8": '{"id": "evt_\udcff"}',
    "an event with 990 nested arrays": (
        '{"id": "evt_deep", "object": "event", "type": "customer.created", '
        '"data": {"object": {"x": ' + "[" * 990 + "]" * 990 + "}}}"
    ),
}


@pytest.mark.parametrize("body", ODD_BODIES.values(), ids=ODD_BODIES.keys())
def test_a_signed_body_that_cannot_be_parsed_safely_is_refused(client, order, body):
    payload, signature = signed_event(body) if body.isascii() else _signed_bytes(body)

    response = post_webhook(client, payload, signature)

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT


def _signed_bytes(body: str):
    """A body that is not valid UTF-8 (a lone surrogate written raw), signed as bytes."""
    raw = body.encode("utf-8", "surrogateescape")
    timestamp = int(time.time())
    signature = hmac.new(
        settings.STRIPE_WEBHOOK_SECRET.encode(), f"{timestamp}.".encode() + raw, hashlib.sha256
    ).hexdigest()
    return raw, f"t={timestamp},v1={signature}"


@pytest.mark.parametrize("as_form", [True, False], ids=["a real form", "JSON labelled as a form"])
def test_a_signed_body_sent_as_multipart_form_data_is_refused(client, order, as_form):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    event = payment_intent_event(_intent(order))
    if as_form:
        body = encode_multipart(BOUNDARY, {"event": json.dumps(event)}).decode()
    else:
        body = json.dumps(event)
    payload, signature = signed_event(body)

    response = client.generic(
        "POST",
        reverse("stripe_webhook"),
        payload,
        content_type=MULTIPART_CONTENT,
        HTTP_STRIPE_SIGNATURE=signature,
    )

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_PAYMENT
