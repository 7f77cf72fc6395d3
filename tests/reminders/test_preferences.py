"""Email preferences and one-click unsubscribe (RFC 8058): the headers, a POST that needs no
CSRF token or sign-in, the preferences page, and the worker skipping an opted-out address."""

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from orders.services.paying import mark_paid
from reminders import services, tokens
from reminders.models import EmailPreference
from tests.factories import UserFactory
from worker import emails
from worker.models import OutboxEmail
from worker.tasks import send_email

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]


def _cart_email(recipient="ada@example.com") -> OutboxEmail:
    """An abandoned-cart email owed to `recipient` (through the reminders' own path)."""
    from tests.factories import VariantFactory
    from tests.reminders.test_abandoned_carts import _left

    _left(VariantFactory(stock_on_hand=3), email=recipient)
    services.remind_abandoned_carts()
    return OutboxEmail.objects.get(kind="abandoned_cart")


def test_the_one_click_post_unsubscribes_without_csrf_or_sign_in():
    client = Client(enforce_csrf_checks=True)
    path = reverse(
        "reminders:unsubscribe",
        args=[tokens.unsubscribe_token("Ada@example.com", "abandoned_cart")],
    )

    page = client.get(path)  # a GET only asks
    assert page.status_code == 200 and b"Unsubscribe" in page.content
    assert not EmailPreference.objects.exists()

    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    preference = EmailPreference.objects.get()
    assert preference.email == "ada@example.com"
    assert (preference.abandoned_cart, preference.back_in_stock, preference.marketing) == (
        False,
        True,
        True,
    )
    assert client.post(path).status_code == 200  # twice is once
    assert EmailPreference.objects.count() == 1


def test_an_unsubscribe_link_without_a_topic_stops_all_marketing():
    client = Client(enforce_csrf_checks=True)
    client.post(
        reverse("reminders:unsubscribe", args=[tokens.unsubscribe_token("b@example.com", "")])
    )
    assert EmailPreference.objects.get().marketing is False


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_unsubscribe_link_changes_nothing(method):
    forged = signing.dumps({"e": "victim@example.com", "t": ""}, salt="other", compress=True)
    for token in (forged, "nonsense", "x" * 2000):
        response = getattr(Client(), method)(f"/email/unsubscribe/{token}/")
        assert response.status_code == 400 and b"not valid" in response.content
    assert not EmailPreference.objects.exists()


def test_the_preferences_page_reached_by_its_signed_link(client):
    path = reverse("reminders:preferences", args=[tokens.preferences_token("ada@example.com")])
    page = client.get(path)
    assert page.status_code == 200 and b"ada@example.com" in page.content
    assert re.search(rb'name="back_in_stock"[^>]*checked', page.content)

    response = client.post(path, {"marketing": "on", "back_in_stock": "on"})
    assert response.status_code == 302
    saved = EmailPreference.objects.get()
    assert (saved.marketing, saved.back_in_stock, saved.abandoned_cart, saved.review_request) == (
        True, True, False, False,
    )  # fmt: skip
    assert client.get("/email/preferences/not-a-token/").status_code == 400


def test_the_account_page_links_to_the_shoppers_own_preferences(client):
    assert client.get("/email/preferences/").status_code == 302  # to sign in
    client.force_login(UserFactory(email="sam@example.com"))
    assert b"/email/preferences/" in client.get("/account/orders/").content
    response = client.get("/email/preferences/")
    assert response.status_code == 302
    assert tokens.read_preferences(response.url.rstrip("/").rsplit("/", 1)[1]) == "sam@example.com"


def test_marketing_emails_carry_the_headers_and_order_emails_do_not(
    order, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mark_paid(order_id=order.pk, amount=order.total, reference="pi_h", actor="t")
    email = _cart_email()
    send_email.apply(args=[email.pk])
    confirmation, reminder = mailoutbox
    assert "List-Unsubscribe" not in confirmation.extra_headers
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = reminder.extra_headers["List-Unsubscribe"].strip("<>")
    assert tokens.read_unsubscribe(url.rstrip("/").rsplit("/", 1)[1]) == (
        "ada@example.com",
        "abandoned_cart",
    )


def test_the_worker_skips_a_marketing_email_to_an_address_that_opted_out(mailoutbox):
    email = _cart_email()
    services.set_preferences(email="ada@example.com", marketing=False, topics={})
    assert emails.send_once(outbox_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == "skipped" and "opted out" in email.last_error
    assert mailoutbox == []


def test_opting_out_of_one_topic_keeps_the_others():
    services.unsubscribe(email="a@example.com", topic="back_in_stock")
    saved = EmailPreference.objects.get()
    assert saved.allows("abandoned_cart") and saved.allows("review_request")
    assert not saved.allows("back_in_stock")


def test_the_api_unsubscribes(client):
    token = tokens.unsubscribe_token("api@example.com", "back_in_stock")
    response = client.post(
        "/api/v1/email/unsubscribe", {"token": token}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json() == {"unsubscribed": "back_in_stock"}
    assert not EmailPreference.objects.get().back_in_stock
    response = client.post(
        "/api/v1/email/unsubscribe", {"token": "bad"}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "bad_link"


def test_a_confirmed_alert_turns_its_topic_back_on(sold_out, client):
    services.set_preferences(email="sam@example.com", marketing=False, topics={})
    client.force_login(UserFactory(email="sam@example.com"))
    client.post("/back-in-stock/", {"variant": sold_out.pk})
    saved = EmailPreference.objects.get()
    assert saved.allows("back_in_stock") and not saved.allows("abandoned_cart")


def test_a_reminder_is_written_in_the_language_the_shopper_used(sold_out, monkeypatch, mailoutbox):
    """The page's language is kept with the alert and the email is rendered in it."""
    from django.utils import translation

    from reminders import selectors

    with translation.override("de"):
        alert = services.subscribe_to_stock(variant_id=sold_out.pk, email="de@example.com")
    assert alert.language == "de"
    seen = []
    real = selectors.email_content

    def spy(kind, data):
        seen.append(translation.get_language())
        return real(kind, data)

    monkeypatch.setattr(selectors, "email_content", spy)
    send_email.apply(args=[OutboxEmail.objects.get(kind="back_in_stock_confirm").pk])
    assert seen == ["de"] and len(mailoutbox) == 1
    assert "Bitte" in mailoutbox[0].body or "Sie" in mailoutbox[0].body  # German words
    assert translation.get_language() != "de"  # only while rendering
