"""The merchant's day: ship, deliver, cancel, resend; and the emails the shopper gets."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from orders import selectors, services
from orders.exceptions import FulfilmentError
from orders.models import Order
from tests.factories import UserFactory
from worker.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_f", actor="t")
    order.refresh_from_db()
    return order


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(email="mo@example.com", is_staff=True, is_superuser=True))
    return client


def _mail(mailoutbox, word):
    return [m for m in mailoutbox if word in m.subject]


def test_marking_shipped_emails_the_carrier_and_tracking_link_once(
    paid, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.mark_shipped(order_id=paid.pk, carrier="UPS", tracking_number="1Z 999", actor="mo")
        services.mark_shipped(order_id=paid.pk, carrier="UPS", tracking_number="1Z 999", actor="mo")

    paid.refresh_from_db()
    assert paid.status == Order.Status.SHIPPED and paid.shipped_at
    assert paid.tracking_url == "https://www.ups.com/track?tracknum=1Z%20999"
    shipped = _mail(mailoutbox, "on its way")
    assert len(shipped) == 1
    text, html = shipped[0].body, shipped[0].alternatives[0][0]
    assert "UPS" in text and "1Z 999" in text and paid.tracking_url in text
    assert "Track your parcel with UPS" in html and "$25.00" in html
    assert paid.events.filter(kind="shipped").count() == 1


def test_only_paid_orders_ship_and_only_shipped_ones_are_delivered(order, paid):
    with pytest.raises(FulfilmentError, match="cannot be marked delivered"):
        services.mark_delivered(order_id=paid.pk, actor="mo")
    services.mark_shipped(order_id=paid.pk, carrier="Bike courier", tracking_number="", actor="mo")
    services.mark_delivered(order_id=paid.pk, actor="mo")
    paid.refresh_from_db()
    assert paid.status == Order.Status.DELIVERED and paid.tracking_url == ""
    with pytest.raises(FulfilmentError, match="Enter the carrier"):
        services.mark_shipped(order_id=paid.pk, carrier=" ", tracking_number="1", actor="mo")


def test_the_admin_ship_page_marks_shipped_and_refuses_what_it_cannot(
    merchant, paid, order, shipping_method, mailoutbox, django_capture_on_commit_callbacks
):
    change = merchant.get(reverse("admin:orders_order_change", args=[paid.pk])).content.decode()
    url = reverse("admin:orders_order_ship", args=[paid.pk])
    assert url in change

    empty = merchant.post(url, {"carrier": "", "tracking_number": "X"})
    bad_link = merchant.post(url, {"carrier": "Acme", "tracking_url": "not a link"})
    assert "This field is required." in empty.content.decode()
    assert "Enter a valid URL." in bad_link.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = merchant.post(url, {"carrier": "DHL", "tracking_number": "JD0001"}, follow=True)

    assert "is shipped; the shopper is emailed" in done.content.decode()
    paid.refresh_from_db()
    assert (
        paid.status == Order.Status.SHIPPED
        and paid.events.get(kind="shipped").actor == "mo@example.com"
    )
    assert len(_mail(mailoutbox, "on its way")) == 1


def test_shipping_an_unpaid_order_is_refused_with_a_message(merchant, stripe_emulator, order):
    response = merchant.post(
        reverse("admin:orders_order_ship", args=[order.pk]), {"carrier": "UPS"}
    )
    assert "cannot be shipped: it is awaiting payment" in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_admin_actions_deliver_and_resend_the_confirmation(
    merchant, paid, mailoutbox, django_capture_on_commit_callbacks
):
    services.mark_shipped(order_id=paid.pk, carrier="UPS", tracking_number="1", actor="mo")
    changelist = reverse("admin:orders_order_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        merchant.post(changelist, {"action": "mark_delivered", "_selected_action": [paid.pk]})
        merchant.post(changelist, {"action": "resend_confirmation", "_selected_action": [paid.pk]})
        merchant.post(changelist, {"action": "resend_confirmation", "_selected_action": [paid.pk]})

    paid.refresh_from_db()
    assert paid.status == Order.Status.DELIVERED
    assert len(_mail(mailoutbox, "is confirmed")) == 3  # the first, then each resend asked for
    assert paid.events.filter(kind="confirmation_resent").count() == 2


def test_cancel_and_refund_restocks_and_refunds_through_stripe(
    merchant, stripe_emulator, order, mailoutbox, django_capture_on_commit_callbacks
):
    from payments import emulator_bridge
    from payments import services as payment_services

    session = payment_services.start_payment(order_id=order.pk)
    emulator_bridge.confirm_with_card(
        client_secret=session.client_secret,
        number="4242424242424242",
        exp_month=12,
        exp_year=2031,
        cvc="123",
    )
    payment_services.sync_payment_intent(payment=session.payment, source="test")
    variant = order.lines.get().variant
    variant.refresh_from_db()
    assert variant.stock_on_hand == 3

    changelist = reverse("admin:orders_order_changelist")
    review = merchant.post(
        changelist, {"action": "cancel_and_refund", "_selected_action": [order.pk]}
    )
    assert f"$25.00 on payment {session.payment.stripe_payment_intent_id}" in (
        review.content.decode()
    )
    order.refresh_from_db()
    assert order.is_paid and not order.refunds.exists()  # nothing done before confirming
    confirmation = re.search(r'name="confirmation" value="([^"]+)"', review.content.decode()).group(
        1
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = merchant.post(
            changelist,
            {
                "action": "cancel_and_refund",
                "_selected_action": [order.pk],
                "confirmation": confirmation,
            },
            follow=True,
        )

    assert "cancelled, restocked and refunded $25.00" in response.content.decode()
    order.refresh_from_db()
    variant.refresh_from_db()
    assert order.status == Order.Status.REFUNDED and not order.needs_attention
    assert variant.stock_on_hand == 5
    assert len(_mail(mailoutbox, "refund")) == 1


def test_an_expired_order_emails_the_shopper_once_and_a_late_payment_stops_it(
    order, shipping_method, mailoutbox, django_capture_on_commit_callbacks
):
    later = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.expire_overdue_orders(now=later)
        services.expire_overdue_orders(now=later)

    expired = _mail(mailoutbox, "was not completed")
    assert len(expired) == 1 and "/cart/" in expired[0].body


def test_every_email_links_to_the_order_with_a_signed_expiring_key(
    client, paid, mailoutbox, settings
):
    body = mailoutbox[0].body
    link = next(word for word in body.split() if "?key=" in word)
    assert link.startswith(settings.SHOP_URL + paid.get_absolute_url())

    assert client.get(paid.get_absolute_url()).status_code == 404  # a stranger without the link
    followed = client.get(link.removeprefix(settings.SHOP_URL), follow=True)

    assert followed.status_code == 200 and paid.number in followed.content.decode()
    assert client.get(paid.get_absolute_url()).status_code == 200  # remembered in the session


def test_forged_tampered_or_expired_links_are_404(client, paid, settings):
    url = selectors.signed_order_url(paid).removeprefix(settings.SHOP_URL)
    path, key = url.split("?key=")
    other_key = signing.TimestampSigner(salt="other").sign(paid.number).split(":", 1)[1]

    assert client.get(f"{path}?key={key[:-2]}xx").status_code == 404
    assert client.get(f"{path}?key={other_key}").status_code == 404
    assert client.get(f"{path}?key=").status_code == 404
    settings.ORDER_LINK_MAX_AGE_DAYS = 0
    assert client.get(url).status_code == 404


def _decline(order, intent_id="pi_f1"):
    from payments.models import Payment
    from payments.services import apply_payment_intent

    Payment.objects.get_or_create(
        order=order, stripe_payment_intent_id=intent_id, defaults={"amount": order.total}
    )
    intent = {
        "id": intent_id,
        "status": "requires_payment_method",
        "amount": 2500,
        "currency": "usd",
        "last_payment_error": {"message": "Your card has insufficient funds.", "charge": "ch_f"},
    }
    apply_payment_intent(intent, source="test")
    apply_payment_intent(intent, source="test")


def _sweep_at(when, monkeypatch):
    from worker.tasks import requeue_pending_emails

    monkeypatch.setattr(timezone, "now", lambda: when)
    return requeue_pending_emails()


def test_a_declined_card_sends_no_email_while_the_shopper_is_still_paying(
    order, mailoutbox, django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.PAYMENT_REMINDER_MINUTES = 30
    with django_capture_on_commit_callbacks(execute=True):
        _decline(order)

    assert _mail(mailoutbox, "waiting for payment") == []
    reminder = OutboxEmail.objects.get(order=order, kind="payment_failed")
    # 30 minutes would be after the 15-minute hold: the reminder comes 5 minutes before it.
    assert reminder.send_after == order.reservation_expires_at - timedelta(minutes=5)
    assert _sweep_at(reminder.send_after - timedelta(seconds=1), monkeypatch) == 0
    assert _mail(mailoutbox, "waiting for payment") == []

    assert _sweep_at(reminder.send_after + timedelta(seconds=1), monkeypatch) == 1
    sent = _mail(mailoutbox, "waiting for payment")
    assert len(sent) == 1
    assert "insufficient funds" in sent[0].body and "?key=" in sent[0].body
    assert "UTC" not in sent[0].body
    assert "still held for you for 4\xa0minutes" in sent[0].body.replace(" minutes", "\xa0minutes")


def test_no_reminder_once_the_order_is_paid(
    order, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        _decline(order)
        services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_f1", actor="t")
    reminder = OutboxEmail.objects.get(order=order, kind="payment_failed")

    _sweep_at(reminder.send_after + timedelta(seconds=1), monkeypatch)

    assert _mail(mailoutbox, "waiting for payment") == []
    assert len(_mail(mailoutbox, "confirmed")) == 1
    reminder.refresh_from_db()
    assert reminder.status == OutboxEmail.Status.SKIPPED


def test_a_long_hold_gets_its_reminder_after_the_set_delay(
    shipping_method, django_capture_on_commit_callbacks, settings
):
    from tests.conftest import make_cart, place
    from tests.factories import VariantFactory

    settings.RESERVATION_MINUTES = 120
    settings.PAYMENT_REMINDER_MINUTES = 30
    order = place(make_cart((VariantFactory(), 1)), shipping_method)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        _decline(order)

    reminder = OutboxEmail.objects.get(order=order, kind="payment_failed")
    assert before + timedelta(minutes=30) <= reminder.send_after
    assert reminder.send_after <= timezone.now() + timedelta(minutes=30)


def test_a_decline_just_before_the_hold_ends_gets_no_reminder(order, monkeypatch):
    late = order.reservation_expires_at - timedelta(minutes=4)
    monkeypatch.setattr(timezone, "now", lambda: late)

    _decline(order)

    assert not OutboxEmail.objects.filter(order=order, kind="payment_failed").exists()
