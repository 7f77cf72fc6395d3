"""Payments against localstripe through the real `stripe` library, and signed webhooks."""

import time

import pytest
from django.test import Client
from django.urls import reverse
from moneyed import Money

from orders import selectors as order_selectors
from orders import services as order_services
from orders.models import Order
from payments import emulator_bridge, gateway, services
from payments.models import Payment, StripeEvent
from tests.conftest import make_cart, payment_intent_event, place, signed_event
from tests.conftest import post_webhook as _post_event
from tests.factories import VariantFactory
from worker.models import OutboxEmail

pytestmark = pytest.mark.webhooks

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
DECLINED = {**GOOD_CARD, "number": "4000000000000341"}
THREE_D_SECURE = {**GOOD_CARD, "number": "4000002500003155"}


def _wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _status(order):
    return Order.objects.get(pk=order.pk).status


@pytest.fixture
def session(stripe_emulator, order):
    return services.start_payment(order_id=order.pk)


def test_the_payment_intent_carries_the_exact_total_once_per_order(session, order):
    intent = gateway.retrieve_payment_intent(session.payment.stripe_payment_intent_id)

    assert (intent.amount, intent.currency) == (2500, "usd")
    assert intent.metadata["order_number"] == order.number
    again = services.start_payment(order_id=order.pk)
    assert again.payment.pk == session.payment.pk
    assert Payment.objects.count() == 1


def test_a_zero_decimal_shop_charges_whole_yen(stripe_emulator, settings, shipping_method):
    settings.SHOP_CURRENCY = "JPY"
    shipping_method.price = Money("500", "JPY")
    shipping_method.save()
    variant = VariantFactory(price=Money("1200", "JPY"))
    order = place(make_cart((variant, 3)), shipping_method)

    session = services.start_payment(order_id=order.pk)

    intent = gateway.retrieve_payment_intent(session.payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency) == (4100, "jpy")


def test_card_payment_is_applied_by_the_signed_webhook(stripe_webhooks, shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    order = place(make_cart((variant, 2)), shipping_method)
    session = services.start_payment(order_id=order.pk)

    result = emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)

    assert result["status"] == "succeeded"
    assert _wait_for(lambda: _status(order) == Order.Status.PAID), "the webhook never paid it"
    intent_id = session.payment.stripe_payment_intent_id
    ours = [
        e
        for e in StripeEvent.objects.filter(type="payment_intent.succeeded")
        if e.payload["data"]["object"]["id"] == intent_id
    ]
    assert [(e.result, bool(e.processed_at)) for e in ours] == [("paid", True)]
    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (3, 0)
    assert _wait_for(lambda: OutboxEmail.objects.filter(order=order, status="sent").count() == 1)
    # Which card paid, as Stripe says, for the order page (asked after the webhook's commit).
    assert _wait_for(lambda: Order.objects.get(pk=order.pk).payment_method == "Visa ending in 4242")
    payment = Payment.objects.get(pk=session.payment.pk)
    assert (payment.card_brand, payment.card_last4) == ("visa", "4242")


def test_a_confirmation_sent_again_answers_the_same_and_charges_once(session):
    """The load balancer resends it when the node that had it died (deploy/nginx.conf)."""
    intent_id = session.payment.stripe_payment_intent_id
    first = emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    charge = gateway.retrieve_payment_intent(intent_id).latest_charge

    again = emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)

    assert first == again == {"id": intent_id, "status": "succeeded"}
    assert gateway.retrieve_payment_intent(intent_id).latest_charge == charge  # no second one


def test_the_order_page_shows_the_date_card_delivery_and_way_back(
    session, order, client, django_capture_on_commit_callbacks
):
    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    with django_capture_on_commit_callbacks(execute=True):
        services.sync_payment_intent(payment=session.payment, source="test")
    order_services.mark_shipped(
        order_id=order.pk, carrier="UPS", tracking_number="1Z999", actor="test"
    )

    link = order_selectors.signed_order_url(order).split("://", 1)[1].split("/", 1)[1]
    body = client.get("/" + link, follow=True).content.decode()

    assert "Placed <time" in body and order.created_at.strftime("%Y") in body
    assert "Visa ending in 4242, paid" in body
    assert "tracking number" in body and "1Z999" in body
    assert f'href="{reverse("catalog:home")}">Continue shopping' in body


def test_a_declined_card_leaves_the_order_payable_and_a_good_card_pays_it(session, order):
    with pytest.raises(emulator_bridge.BridgeError, match="declined"):
        emulator_bridge.confirm_with_card(client_secret=session.client_secret, **DECLINED)
    services.sync_payment_intent(payment=session.payment, source="test")
    assert _status(order) == Order.Status.PENDING_PAYMENT
    assert order.events.filter(kind="payment_failed").exists()

    again = services.start_payment(order_id=order.pk)
    emulator_bridge.confirm_with_card(client_secret=again.client_secret, **GOOD_CARD)
    services.sync_payment_intent(payment=again.payment, source="test")

    assert _status(order) == Order.Status.PAID


def test_three_d_secure_is_completed_then_paid(session, order):
    first = emulator_bridge.confirm_with_card(client_secret=session.client_secret, **THREE_D_SECURE)
    assert first["status"] == "requires_action"
    services.sync_payment_intent(payment=session.payment, source="test")
    assert _status(order) == Order.Status.PENDING_PAYMENT

    done = emulator_bridge.authenticate(client_secret=session.client_secret, success=True)

    assert done["status"] == "succeeded"
    services.sync_payment_intent(payment=session.payment, source="test")
    assert _status(order) == Order.Status.PAID


def test_the_return_page_asks_stripe_not_the_browser(stripe_emulator, client, order):
    session_ = client.session
    session_["orders"] = [order.number]
    session_.save()
    page = client.get(reverse("payments:pay", args=[order.number]))
    assert page.status_code == 200
    payment = Payment.objects.get(order=order)
    return_url = reverse("payments:return", args=[order.number])

    # The browser claims success before paying: nothing changes.
    client.get(
        return_url,
        {"payment_intent": payment.stripe_payment_intent_id, "redirect_status": "succeeded"},
    )
    assert _status(order) == Order.Status.PENDING_PAYMENT

    emulator_bridge.confirm_with_card(client_secret=page.context["client_secret"], **GOOD_CARD)
    response = client.get(
        return_url,
        {"payment_intent": payment.stripe_payment_intent_id, "redirect_status": "succeeded"},
        follow=True,
    )

    assert _status(order) == Order.Status.PAID
    assert "Paid" in response.content.decode()


def _succeeded_intent(order, amount=2500, currency="usd"):
    intent = {
        "id": f"pi_test_{order.number}",
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount,
        "currency": currency,
        "status": "succeeded",
        "metadata": {"order_number": order.number},
    }
    Payment.objects.get_or_create(
        order=order, stripe_payment_intent_id=intent["id"], defaults={"amount": order.total}
    )
    return intent


def test_the_same_event_delivered_ten_times_pays_once(
    client, order, mailoutbox, django_capture_on_commit_callbacks
):
    payload, signature = signed_event(
        payment_intent_event(_succeeded_intent(order), event_id="evt_same")
    )

    with django_capture_on_commit_callbacks(execute=True):
        answers = [_post_event(client, payload, signature) for _ in range(10)]

    assert [a.status_code for a in answers] == [200] * 10
    assert [a.json()["result"] for a in answers] == ["paid"] + ["duplicate"] * 9
    assert StripeEvent.objects.count() == 1
    variant = order.lines.get().variant
    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (3, 0)
    assert OutboxEmail.objects.count() == 1 and len(mailoutbox) == 1


def test_a_late_failure_does_not_unpay_an_order(client, order):
    intent = _succeeded_intent(order)
    _post_event(client, *signed_event(payment_intent_event(intent)))
    failed = {
        **intent,
        "status": "requires_payment_method",
        "last_payment_error": {"message": "Your card was declined."},
    }

    response = _post_event(
        client, *signed_event(payment_intent_event(failed, "payment_intent.payment_failed"))
    )

    assert response.status_code == 200
    assert _status(order) == Order.Status.PAID
    assert Payment.objects.get(order=order).status == "succeeded"


def test_an_amount_that_does_not_match_flags_the_order(client, order):
    response = _post_event(
        client, *signed_event(payment_intent_event(_succeeded_intent(order, amount=250)))
    )

    assert response.json()["result"] == "amount_mismatch"
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT and order.needs_attention


@pytest.mark.parametrize(
    "tamper", ["wrong_secret", "stale", "garbage_signature", "no_signature", "edited_body"]
)
def test_forged_webhooks_are_refused_and_change_nothing(client, order, tamper):
    event = payment_intent_event(_succeeded_intent(order))
    payload, signature = {
        "wrong_secret": lambda: signed_event(event, secret="whsec_attacker"),
        "stale": lambda: signed_event(event, timestamp=int(time.time()) - 3600),
        "garbage_signature": lambda: (signed_event(event)[0], "t=1,v1=deadbeef"),
        "no_signature": lambda: (signed_event(event)[0], ""),
        "edited_body": lambda: (
            signed_event(event)[0].replace("2500", "1"),
            signed_event(event)[1],
        ),
    }[tamper]()

    response = _post_event(client, payload, signature)

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert _status(order) == Order.Status.PENDING_PAYMENT


@pytest.mark.django_db
def test_malformed_bodies_and_wrong_methods_are_refused(client):
    # Correctly signed, but not an event: refused after the signature check.
    assert _post_event(client, *signed_event("{not json")).status_code == 400
    assert client.get(reverse("stripe_webhook")).status_code == 405
    assert StripeEvent.objects.count() == 0


@pytest.mark.django_db
def test_unknown_event_types_are_stored_and_acknowledged(client):
    event = {
        "id": "evt_unknown",
        "object": "event",
        "type": "customer.created",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": {"id": "cus_1"}},
    }

    response = _post_event(client, *signed_event(event))

    assert response.status_code == 200 and response.json()["result"] == "ignored"
    assert StripeEvent.objects.get().type == "customer.created"


def test_the_webhook_needs_no_csrf_token_but_other_forms_do(order):
    strict = Client(enforce_csrf_checks=True)
    payload, signature = signed_event(payment_intent_event(_succeeded_intent(order)))
    assert _post_event(strict, payload, signature).status_code == 200
    assert strict.post(reverse("cart:add"), {"variant": 1, "quantity": 1}).status_code == 403


@pytest.mark.django_db
def test_the_emulator_bridge_does_not_exist_with_real_stripe(client, settings):
    settings.STRIPE_EMULATED = False
    response = client.post(
        reverse("payments:emulator_confirm"), "{}", content_type="application/json"
    )
    assert response.status_code == 404


def test_a_payment_intent_we_never_recorded_is_found_by_its_order_number(client, order):
    intent = {
        "id": "pi_orphan",
        "object": "payment_intent",
        "amount": 2500,
        "currency": "usd",
        "status": "succeeded",
        "metadata": {"order_number": order.number},
    }

    response = _post_event(client, *signed_event(payment_intent_event(intent)))

    assert response.json()["result"] == "paid"
    assert Payment.objects.get(order=order).stripe_payment_intent_id == "pi_orphan"
    assert order.events.filter(kind="payment_recovered").exists()


def test_the_payment_page_is_never_served_from_the_browser_cache(stripe_emulator, client, order):
    """Back after paying must ask the server again, which sends a paid order to its page,
    rather than show a live payment form from the browser's cache."""
    session_ = client.session
    session_["orders"] = [order.number]
    session_.save()
    page = client.get(reverse("payments:pay", args=[order.number]))
    back = client.get(reverse("payments:return", args=[order.number]))

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert "no-store" in back["Cache-Control"]
