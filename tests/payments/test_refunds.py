"""Refunds through localstripe: by the merchant in the admin, automatically when a late payment
finds its stock gone, and from the Stripe dashboard (reported by `charge.refunded`)."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from moneyed import Money

from orders import services as order_services
from orders.exceptions import RefundError
from orders.models import Order, OrderLine
from payments import emulator_bridge, gateway, refunds, services
from payments.models import Payment, Refund
from tests.conftest import deliver_event as _post
from tests.conftest import make_cart, place
from tests.factories import UserFactory, VariantFactory
from worker.models import OutboxEmail

pytestmark = pytest.mark.webhooks

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def _pay_at_stripe(order) -> Payment:
    """The shopper pays at Stripe (the emulator); nothing is applied here yet."""
    session = services.start_payment(order_id=order.pk)
    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    return session.payment


@pytest.fixture
def paid_order(stripe_emulator, order, django_capture_on_commit_callbacks):
    payment = _pay_at_stripe(order)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sync_payment_intent(payment=payment, source="test") == "paid"
    order.refresh_from_db()
    return order


def _stripe_refunds(order):
    payment = order.payments.get(status="succeeded")
    return gateway.list_refunds(payment.stripe_payment_intent_id)


def _charge_event(order, event_type="charge.refunded", **extra):
    payment = order.payments.get(status="succeeded")
    charge = {
        "id": payment.stripe_charge_id,
        "object": "charge",
        "payment_intent": payment.stripe_payment_intent_id,
        "amount": 2500,
        "currency": "usd",
        **extra,
    }
    return {
        "id": f"evt_{event_type.replace('.', '_')}_{timezone.now().timestamp()}",
        "object": "event",
        "type": event_type,
        "created": int(timezone.now().timestamp()),
        "livemode": False,
        "data": {"object": charge},
    }


def test_a_full_refund_goes_through_stripe_and_is_recorded_and_emailed(
    paid_order, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        refund = refunds.refund(order_id=paid_order.pk, actor="merchant", reason="Changed mind")

    assert refund.status == Refund.Status.SUCCEEDED and refund.amount == Money("25.00", "USD")
    at_stripe = _stripe_refunds(paid_order)
    assert [(r["id"], r["amount"]) for r in at_stripe] == [(refund.stripe_refund_id, 2500)]
    assert at_stripe[0]["metadata"]["refund_id"] == str(refund.pk)
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUNDED
    assert paid_order.refunded_total == Money("25.00", "USD")
    assert paid_order.events.filter(kind="refunded").count() == 1
    assert Payment.objects.get(order=paid_order).amount_refunded == Money("25.00", "USD")
    refund_mail = [m for m in mailoutbox if "refund" in m.subject.lower()]
    assert len(refund_mail) == 1
    assert "$25.00" in refund_mail[0].body and "Changed mind" in refund_mail[0].body


def test_refunding_chosen_lines_gives_back_their_share_and_remembers_them(
    stripe_emulator, shipping_method, django_capture_on_commit_callbacks
):
    mug, board = (
        VariantFactory(price=Money("10.00", "USD")),
        VariantFactory(price=Money("30.00", "USD")),
    )
    order = place(make_cart((mug, 2), (board, 1)), shipping_method)  # 20 + 30 + 5 = 55
    payment = _pay_at_stripe(order)
    services.sync_payment_intent(payment=payment, source="test")
    mug_line = OrderLine.objects.get(order=order, variant=mug)

    with django_capture_on_commit_callbacks(execute=True):
        refund = refunds.refund(
            order_id=order.pk, actor="merchant", reason="One mug broke", lines={mug_line.pk: 1}
        )

    assert refund.amount == Money("10.00", "USD")
    assert [r["amount"] for r in _stripe_refunds(order)] == [1000]
    order.refresh_from_db()
    mug_line.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert mug_line.refunded_quantity == 1
    with pytest.raises(RefundError, match="Only 1 of"):
        refunds.refund(order_id=order.pk, actor="merchant", lines={mug_line.pk: 2})
    assert Refund.objects.count() == 1


def test_refunding_more_than_was_paid_is_refused_and_changes_nothing(paid_order):
    refunds.refund(order_id=paid_order.pk, actor="merchant", amount=Money("20.00", "USD"))

    with pytest.raises(RefundError, match=r"at most \$5\.00"):
        refunds.refund(order_id=paid_order.pk, actor="merchant", amount=Money("5.01", "USD"))
    with pytest.raises(RefundError, match="greater than zero"):
        refunds.refund(order_id=paid_order.pk, actor="merchant", amount=Money("0", "USD"))

    assert Refund.objects.count() == 1
    assert [r["amount"] for r in _stripe_refunds(paid_order)] == [2000]
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PARTIALLY_REFUNDED
    assert paid_order.refunded_total == Money("20.00", "USD")


def test_an_unpaid_order_has_nothing_to_refund(stripe_emulator, order):
    with pytest.raises(RefundError, match="no payment to refund"):
        refunds.refund(order_id=order.pk, actor="merchant")
    assert Refund.objects.count() == 0


def test_the_same_idempotency_key_refunds_once(paid_order):
    first = refunds.refund(
        order_id=paid_order.pk, actor="m", amount=Money("5", "USD"), idempotency_key="k-1"
    )
    again = refunds.refund(
        order_id=paid_order.pk, actor="m", amount=Money("5", "USD"), idempotency_key="k-1"
    )

    assert first.pk == again.pk and len(_stripe_refunds(paid_order)) == 1


def test_the_database_refuses_refunds_beyond_the_payment(paid_order):
    payment = Payment.objects.get(order=paid_order)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=payment.pk).update(amount_refunded=Money("25.01", "USD"))


def test_a_refund_made_in_the_stripe_dashboard_is_recorded_once(
    client, paid_order, mailoutbox, django_capture_on_commit_callbacks
):
    payment = Payment.objects.get(order=paid_order)
    gateway.client().v1.refunds.create(
        params={"payment_intent": payment.stripe_payment_intent_id, "amount": 700}
    )
    event = _charge_event(paid_order, amount_refunded=700)

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(client, event)
        again = _post(client, event)
        other_delivery = _post(client, {**event, "id": event["id"] + "_2"})

    assert first.json()["result"] == "refunds_synced_1"
    assert again.json()["result"] == "duplicate"
    assert other_delivery.json()["result"] == "refunds_synced_0"
    refund = Refund.objects.get()
    assert (refund.amount, refund.actor, refund.status) == (
        Money("7.00", "USD"),
        "Stripe dashboard",
        Refund.Status.SUCCEEDED,
    )
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.PARTIALLY_REFUNDED
    assert len([m for m in mailoutbox if "refund" in m.subject.lower()]) == 1


def test_a_refund_we_asked_for_but_did_not_record_is_completed_by_the_event(client, paid_order):
    """The process died after Stripe refunded and before we wrote it down."""
    pending = refunds._record_pending(
        order_id=paid_order.pk,
        actor="merchant",
        reason="Damaged",
        amount=Money("25.00", "USD"),
        lines={},
        idempotency_key="crashed",
        automatic=False,
    )
    gateway.create_refund(
        payment_intent_id=pending.payment.stripe_payment_intent_id,
        amount=2500,
        metadata={"refund_id": str(pending.pk)},
        idempotency_key="crashed",
    )

    response = _post(client, _charge_event(paid_order, amount_refunded=2500))

    assert response.json()["result"] == "refunds_synced_1"
    assert list(Refund.objects.values_list("status", flat=True)) == ["succeeded"]
    paid_order.refresh_from_db()
    assert paid_order.status == Order.Status.REFUNDED


def test_a_payment_that_arrives_after_its_stock_was_sold_is_refunded_automatically(
    client, stripe_emulator, shipping_method, mailoutbox, django_capture_on_commit_callbacks
):
    variant = VariantFactory(stock_on_hand=1)
    late = place(make_cart((variant, 1)), shipping_method, email="late@example.com")
    payment = _pay_at_stripe(late)  # paid at Stripe, but the webhook is slow…
    order_services.expire_overdue_orders(now=timezone.now() + timedelta(hours=1))
    quick = place(make_cart((variant, 1)), shipping_method, email="quick@example.com")
    order_services.mark_paid(order_id=quick.pk, amount=quick.total, reference="pi_q", actor="t")
    intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id).to_dict()
    event = {
        "id": "evt_late_success",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(timezone.now().timestamp()),
        "livemode": False,
        "data": {"object": intent},
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, event)
        _post(client, {**event, "id": "evt_late_success_again"})

    assert response.json()["result"] == "stock_gone_refunded"
    late.refresh_from_db()
    variant.refresh_from_db()
    assert late.status == Order.Status.REFUNDED and not late.needs_attention
    assert variant.stock_on_hand == 0 and variant.stock_reserved == 0  # sold once, to quick
    assert [r["amount"] for r in _stripe_refunds(late)] == [1000 + 500]
    assert Refund.objects.get().automatic
    sent = [m for m in mailoutbox if m.to == ["late@example.com"]]
    assert len(sent) == 1 and "sold out" in sent[0].body
    assert not OutboxEmail.objects.filter(order=late, kind="order_confirmation").exists()


def test_a_dispute_flags_the_order_for_the_merchant(client, paid_order):
    payment = Payment.objects.get(order=paid_order)
    dispute = {
        "id": "dp_1",
        "object": "dispute",
        "charge": payment.stripe_charge_id,
        "amount": 2500,
        "currency": "usd",
        "reason": "fraudulent",
        "status": "needs_response",
    }
    event = {
        "id": "evt_dispute",
        "object": "event",
        "type": "charge.dispute.created",
        "created": int(timezone.now().timestamp()),
        "livemode": False,
        "data": {"object": dispute},
    }

    assert _post(client, event).json()["result"] == "dispute_opened"
    assert _post(client, event).json()["result"] == "duplicate"

    paid_order.refresh_from_db()
    assert paid_order.needs_attention and paid_order.status == Order.Status.PAID
    assert paid_order.events.filter(kind="dispute_opened").count() == 1
    assert "fraudulent" in paid_order.events.get(kind="dispute_opened").message
    assert Payment.objects.get(order=paid_order).dispute_status == "needs_response"


def test_a_refund_event_for_a_payment_not_ours_changes_nothing(client, db):
    event = {
        "id": "evt_foreign_refund",
        "object": "event",
        "type": "charge.refunded",
        "created": int(timezone.now().timestamp()),
        "livemode": False,
        "data": {"object": {"id": "ch_x", "object": "charge", "payment_intent": "pi_x"}},
    }
    response = _post(client, event)
    assert response.status_code == 200 and response.json()["result"] == "unknown_payment"
    assert Refund.objects.count() == 0


# The merchant's refund page in the admin.


@pytest.fixture
def merchant_client(client, django_user_model):
    merchant = UserFactory(email="merchant@example.com", is_staff=True, is_superuser=True)
    client.force_login(merchant)
    return client


def test_the_admin_order_page_links_to_the_refund_page_which_shows_what_is_left(
    merchant_client, paid_order
):
    change = merchant_client.get(reverse("admin:orders_order_change", args=[paid_order.pk]))
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    assert url in change.content.decode()

    page = merchant_client.get(url)

    assert page.status_code == 200
    body = page.content.decode()
    assert "Left to refund" in body and "$25.00" in body and "Review the refund" in body


def _confirmation_of(page) -> str:
    return re.search(r'name="confirmation" value="([^"]+)"', page.content.decode()).group(1)


def test_a_merchant_refunds_an_amount_from_the_admin_after_confirming_it(
    merchant_client, paid_order, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    review = merchant_client.post(
        url, {"what": "amount", "amount": "12.50", "reason": "Late delivery"}
    )

    body = review.content.decode()
    assert 'You are about to refund <strong data-testid="refund-amount">$12.50</strong>' in body
    assert paid_order.email in body and "Late delivery" in body
    assert "$25.00 now, $12.50 after this refund" in body
    assert Refund.objects.count() == 0 and _stripe_refunds(paid_order) == []  # nothing moved

    with django_capture_on_commit_callbacks(execute=True):
        response = merchant_client.post(
            url, {"confirmation": _confirmation_of(review)}, follow=True
        )

    assert "Refunded $12.50" in response.content.decode()
    paid_order.refresh_from_db()
    assert paid_order.refunded_total == Money("12.50", "USD")
    assert [r["amount"] for r in _stripe_refunds(paid_order)] == [1250]
    refund = Refund.objects.get()
    assert refund.actor == "merchant@example.com" and refund.reason == "Late delivery"
    assert paid_order.events.get(kind="refunded").actor == "merchant@example.com"
    assert any("Late delivery" in m.body for m in mailoutbox)


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"what": "all", "line": "1"}, "You typed quantities but chose “Everything not yet"),
        ({"what": "all", "amount": "5"}, "You typed an amount but chose “Everything not yet"),
        ({"what": "lines", "line": "1", "amount": "5"}, "You chose items but also typed"),
        ({"what": "amount", "line": "1", "amount": "5"}, "You chose an amount but also typed"),
    ],
)
def test_typed_quantities_or_an_amount_that_disagree_with_the_choice_refund_nothing_and_say_why(
    merchant_client, paid_order, typed, message
):
    """Issue 30: typing 1 for one item with "Everything" still chosen refunded the order."""
    line = paid_order.lines.get()
    data = {"what": typed["what"], "amount": typed.get("amount", ""), "reason": "One broke"}
    data[f"line_{line.pk}"] = typed.get("line", "0")

    response = merchant_client.post(
        reverse("admin:orders_order_refund", args=[paid_order.pk]), data
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "nothing was refunded" in body
    assert "confirmation" not in body  # not even offered for confirmation
    assert Refund.objects.count() == 0 and _stripe_refunds(paid_order) == []


def test_the_confirmation_of_chosen_items_shows_them_and_their_exact_amount(
    merchant_client, paid_order
):
    line = paid_order.lines.get()
    review = merchant_client.post(
        reverse("admin:orders_order_refund", args=[paid_order.pk]),
        {"what": "lines", f"line_{line.pk}": "1", "reason": "One broke"},
    )

    body = review.content.decode()
    assert 'data-testid="refund-amount">$10.00<' in body
    assert f"1 × {line.product_name} ({line.variant_label}): $10.00" in body
    assert "Visa card ending 4242" in body
    assert "Refund $10.00 through Stripe" in body
    assert Refund.objects.count() == 0 and _stripe_refunds(paid_order) == []


def test_only_the_confirmation_calls_stripe_and_twice_confirmed_refunds_once(
    merchant_client, paid_order, monkeypatch
):
    calls = []
    create_refund = gateway.create_refund
    monkeypatch.setattr(
        gateway, "create_refund", lambda **kw: calls.append(kw) or create_refund(**kw)
    )
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    line = paid_order.lines.get()
    review = merchant_client.post(
        url, {"what": "lines", f"line_{line.pk}": "1", "reason": "One broke"}
    )
    assert calls == []

    confirmation = _confirmation_of(review)
    merchant_client.post(url, {"confirmation": confirmation})
    merchant_client.post(url, {"confirmation": confirmation})  # a double click

    assert [c["amount"] for c in calls] == [1000]
    assert [r["amount"] for r in _stripe_refunds(paid_order)] == [1000]
    line.refresh_from_db()
    assert line.refunded_quantity == 1


def test_a_tampered_confirmation_refunds_nothing(merchant_client, paid_order):
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    review = merchant_client.post(url, {"what": "amount", "amount": "1.00", "reason": "x"})
    payload, rest = _confirmation_of(review).split(":", 1)
    data = signing.b64_decode(payload.encode()).decode().replace('"1.00"', '"25.00"')
    forged = signing.b64_encode(data.encode()).decode() + ":" + rest

    response = merchant_client.post(url, {"confirmation": forged}, follow=True)

    assert "was changed or is not for this shop; nothing was refunded" in (
        response.content.decode()
    )
    assert Refund.objects.count() == 0 and _stripe_refunds(paid_order) == []


def test_a_confirmation_is_refused_when_what_is_left_changed_meanwhile(merchant_client, paid_order):
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    review = merchant_client.post(url, {"what": "all", "reason": "Cancelled"})
    assert 'data-testid="refund-amount">$25.00<' in review.content.decode()
    refunds.refund(order_id=paid_order.pk, actor="colleague", amount=Money("5.00", "USD"))

    response = merchant_client.post(url, {"confirmation": _confirmation_of(review)}, follow=True)

    assert "changed since you reviewed this refund ($25.00 then, $20.00 now)" in (
        response.content.decode()
    )
    assert [r["amount"] for r in _stripe_refunds(paid_order)] == [500]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"what": "amount", "amount": "30.00", "reason": "x"}, "You can refund at most $25.00"),
        ({"what": "amount", "amount": "", "reason": "x"}, "Enter the amount to refund."),
        ({"what": "amount", "amount": "1.005", "reason": "x"}, "at most 2 decimals"),
        ({"what": "amount", "amount": "-3", "reason": "x"}, "greater than or equal to 0"),
        ({"what": "lines", "reason": "x"}, "Choose at least one item to refund."),
        ({"what": "all", "reason": ""}, "This field is required."),
        ({"what": "everything", "reason": "x"}, "Select a valid choice."),
    ],
)
def test_bad_refund_requests_get_a_clear_message_and_change_nothing(
    merchant_client, paid_order, data, message
):
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    response = merchant_client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert Refund.objects.count() == 0 and _stripe_refunds(paid_order) == []


def test_only_staff_reach_the_refund_page(client, paid_order, django_user_model):
    url = reverse("admin:orders_order_refund", args=[paid_order.pk])
    assert client.get(url).status_code == 302  # to the admin login
    shopper = UserFactory(email="s@example.com")
    client.force_login(shopper)
    assert client.post(url, {"what": "all", "reason": "x"}).status_code == 302
    assert Refund.objects.count() == 0
