"""Events that come late, out of order, twice, or never: handlers, reconciliation, replay and
re-fetching from Stripe's Events API."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from orders.models import Order
from payments import emulator_bridge, events, gateway, services
from payments.models import Payment, StripeEvent
from tests.conftest import deliver_event as _post
from tests.conftest import payment_intent_event
from worker import tasks
from worker.models import OutboxEmail

pytestmark = pytest.mark.webhooks

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
DECLINED = {**GOOD_CARD, "number": "4000000000000341"}


def _intent(order, status, **extra):
    intent = {
        "id": f"pi_evt_{order.number}",
        "object": "payment_intent",
        "amount": 2500,
        "amount_received": 2500 if status == "succeeded" else 0,
        "currency": "usd",
        "status": status,
        "metadata": {"order_number": order.number},
        **extra,
    }
    Payment.objects.get_or_create(
        order=order, stripe_payment_intent_id=intent["id"], defaults={"amount": order.total}
    )
    return intent


def _event(intent, event_type, created, event_id=None):
    event = payment_intent_event(intent, event_type, event_id)
    event["created"] = created
    return event


def _status(order):
    return Order.objects.get(pk=order.pk).status


def test_processing_then_succeeded_pays_the_order(client, order):
    now = int(time.time())
    processing = _post(
        client, _event(_intent(order, "processing"), "payment_intent.processing", now)
    )
    assert processing.json()["result"] == "payment_processing"
    assert _status(order) == Order.Status.PENDING_PAYMENT
    assert Payment.objects.get().status == "processing"

    paid = _post(client, _event(_intent(order, "succeeded"), "payment_intent.succeeded", now + 1))

    assert paid.json()["result"] == "paid" and _status(order) == Order.Status.PAID


def test_events_in_reverse_order_leave_the_order_paid(client, order, mailoutbox):
    now = int(time.time())
    failed = _intent(
        order,
        "requires_payment_method",
        last_payment_error={"message": "Your card was declined.", "charge": "ch_1"},
    )
    events = [
        _event(failed, "payment_intent.payment_failed", now - 30),
        _event(_intent(order, "processing"), "payment_intent.processing", now - 20),
        _event(_intent(order, "succeeded"), "payment_intent.succeeded", now - 10),
    ]

    results = [_post(client, event).json()["result"] for event in reversed(events)]

    assert results == ["paid", "stale", "stale"]
    assert _status(order) == Order.Status.PAID
    assert Payment.objects.get().status == "succeeded"
    # The failed attempt is history: logged for the merchant, without unpaying anything.
    assert order.events.filter(kind="payment_failed").count() == 1


def test_an_older_event_does_not_overwrite_a_newer_one(client, order):
    now = int(time.time())
    failed = _intent(
        order,
        "requires_payment_method",
        last_payment_error={"message": "Declined", "charge": "ch_2"},
    )
    _post(client, _event(failed, "payment_intent.payment_failed", now))

    late = _post(client, _event(_intent(order, "processing"), "payment_intent.processing", now - 5))

    assert late.json()["result"] == "stale"
    assert Payment.objects.get().status == "requires_payment_method"
    assert _status(order) == Order.Status.PENDING_PAYMENT


def test_a_canceled_payment_intent_leaves_the_order_payable_with_a_new_one(
    client, stripe_emulator, order
):
    session = services.start_payment(order_id=order.pk)
    intent_id = session.payment.stripe_payment_intent_id
    canceled = gateway.client().v1.payment_intents.cancel(intent_id).to_dict()
    assert canceled["status"] == "canceled"

    response = _post(client, payment_intent_event(canceled, "payment_intent.canceled"))

    assert response.json()["result"] == "payment_canceled"
    assert Payment.objects.get(stripe_payment_intent_id=intent_id).status == "canceled"
    assert order.events.filter(kind="payment_canceled").count() == 1
    assert _status(order) == Order.Status.PENDING_PAYMENT
    again = services.start_payment(order_id=order.pk)
    assert again.payment.stripe_payment_intent_id != intent_id


def test_a_failure_told_by_the_return_page_and_the_webhook_is_logged_once(
    client, stripe_emulator, order
):
    session = services.start_payment(order_id=order.pk)
    with pytest.raises(emulator_bridge.BridgeError):
        emulator_bridge.confirm_with_card(client_secret=session.client_secret, **DECLINED)
    services.sync_payment_intent(payment=session.payment, source="return page")
    intent = gateway.retrieve_payment_intent(session.payment.stripe_payment_intent_id)

    _post(client, payment_intent_event(intent.to_dict(), "payment_intent.payment_failed"))

    assert order.events.filter(kind="payment_failed").count() == 1
    assert _status(order) == Order.Status.PENDING_PAYMENT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "event",
    [
        {"object": "event", "type": "payment_intent.succeeded", "data": {"object": {}}},
        {"id": "evt_1", "object": "event", "data": {"object": {}}},
        {"id": "evt_2", "type": "payment_intent.succeeded", "data": {}},
        {"id": "evt_3", "type": "payment_intent.succeeded", "data": {"object": "pi_1"}},
        {"id": "not-an-event", "type": "payment_intent.succeeded", "data": {"object": {}}},
        ["a", "list"],
    ],
)
def test_signed_bodies_that_are_not_events_are_refused(client, event):
    assert _post(client, event).status_code == 400
    assert StripeEvent.objects.count() == 0


def _pay_at_stripe(order) -> Payment:
    session = services.start_payment(order_id=order.pk)
    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    return session.payment


def test_with_webhooks_off_one_reconciliation_run_pays_the_order(
    stripe_emulator, order, mailoutbox, django_capture_on_commit_callbacks
):
    payment = _pay_at_stripe(order)  # no webhook reaches us: none is registered
    assert _status(order) == Order.Status.PENDING_PAYMENT
    assert tasks.reconcile_payments() == {}  # too recent: the webhook may still come
    Payment.objects.filter(pk=payment.pk).update(created_at=timezone.now() - timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        results = tasks.reconcile_payments()

    assert results == {"paid": 1}
    assert _status(order) == Order.Status.PAID
    assert order.events.get(kind="paid").actor == "reconciliation"
    assert len(mailoutbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reconcile_payments() == {}  # nothing left to ask about
    assert len(mailoutbox) == 1


def test_the_beat_runs_reconciliation():
    from worker.celery import app

    schedule = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "worker.tasks.reconcile_payments" in schedule


def test_replay_applies_an_event_stored_but_never_applied(order):
    event = payment_intent_event(_intent(order, "succeeded"), event_id="evt_crashed")
    StripeEvent.objects.create(stripe_id=event["id"], type=event["type"], payload=event)

    call_command("replay_stripe_events")

    assert _status(order) == Order.Status.PAID
    stored = StripeEvent.objects.get()
    assert stored.processed_at and stored.result == "paid"
    call_command("replay_stripe_events", "evt_crashed")  # again: changes nothing
    assert order.events.filter(kind="paid").count() == 1
    with pytest.raises(CommandError, match="evt_nope"):
        call_command("replay_stripe_events", "evt_nope")


def test_fetching_events_after_an_outage_applies_the_missed_ones_once(
    stripe_emulator, order, django_capture_on_commit_callbacks, capsys
):
    _pay_at_stripe(order)  # Stripe emits payment_intent.succeeded; we never receive it
    time.sleep(1.2)  # the emulator records its events a moment later

    with django_capture_on_commit_callbacks(execute=True):
        call_command("fetch_stripe_events", "--days", "1")
        call_command("fetch_stripe_events", "--days", "1")

    assert _status(order) == Order.Status.PAID
    assert order.events.filter(kind="paid").count() == 1
    assert OutboxEmail.objects.filter(order=order).count() == 1
    output = capsys.readouterr().out
    assert "1 paid" in output and "duplicate" in output.splitlines()[-1]
    with pytest.raises(CommandError, match="between 1 and 30"):
        call_command("fetch_stripe_events", "--days", "90")


@pytest.mark.concurrency
def test_the_same_success_ten_times_at_once_among_other_events_pays_once(
    require_postgres, transactional_db, order, django_capture_on_commit_callbacks
):
    now = int(time.time())
    variant = order.lines.get().variant
    success = _event(_intent(order, "succeeded"), "payment_intent.succeeded", now, "evt_once")
    failed = _intent(
        order,
        "requires_payment_method",
        last_payment_error={"message": "Declined", "charge": "ch_9"},
    )
    others = [
        _event(_intent(order, "processing"), "payment_intent.processing", now - 2),
        _event(failed, "payment_intent.payment_failed", now - 4),
    ]
    deliveries = [success] * 10 + others
    barrier = threading.Barrier(len(deliveries))
    answers, errors = [], []

    def deliver(event):
        try:
            barrier.wait()
            answers.append(_post(Client(), event).json()["result"])
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver, args=(e,)) for e in deliveries]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    assert errors == []
    assert answers.count("paid") == 1
    assert answers.count("duplicate") == 9
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert (variant.stock_on_hand, variant.stock_reserved) == (3, 0)
    assert order.events.filter(kind="paid").count() == 1
    assert OutboxEmail.objects.filter(order=order, kind="order_confirmation").count() == 1
    # The older failure is mailed only if it was applied before the success (then the order
    # was still payable); at most once either way.
    assert OutboxEmail.objects.filter(order=order, kind="payment_failed").count() <= 1
    assert Payment.objects.get().status == "succeeded"
    print(f"\n12 concurrent deliveries (10 × the same success): 1 paid in {elapsed:.2f}s")


def test_an_expired_orders_payment_intent_is_cancelled_so_it_cannot_be_paid(
    stripe_emulator, order, django_capture_on_commit_callbacks
):
    from orders.services.lifecycle import expire_overdue_orders

    session = services.start_payment(order_id=order.pk)
    with django_capture_on_commit_callbacks(execute=True):
        expire_overdue_orders(now=timezone.now() + timedelta(hours=1))

    intent = gateway.retrieve_payment_intent(session.payment.stripe_payment_intent_id)
    assert intent.status == "canceled"
    assert Payment.objects.get().status == "canceled"
    assert order.events.filter(kind="payment_canceled").exists()
    with pytest.raises(emulator_bridge.BridgeError):
        emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    assert _status(order) == Order.Status.EXPIRED


def test_the_subscribed_events_are_the_handled_ones_and_the_readme_lists_them():
    """The events the emulator sends and merchants subscribe to are exactly those the shop
    handles: a handler nobody subscribes to would never run."""
    from pathlib import Path

    from payments.event_shapes import SUBSCRIBED_EVENTS

    assert set(SUBSCRIBED_EVENTS) == set(events.HANDLERS)
    readme = Path(__file__).resolve().parents[2].joinpath("README.md").read_text()
    setup = readme[readme.index("add a webhook endpoint") :][:600]
    for event_type in SUBSCRIBED_EVENTS:
        assert f"`{event_type}`" in setup
