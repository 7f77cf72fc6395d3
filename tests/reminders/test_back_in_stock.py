"""Back-in-stock alerts: the sign-up (double opt-in, rate limits, every bad input a clear
answer), and the batches sized to the stock, each alert emailed once, on PostgreSQL."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from orders.services.lifecycle import expire_if_overdue
from reminders import services, tokens
from reminders.models import EmailPreference, StockAlert, StockAlertBatch
from shop.catalog import services as catalog_services
from tests.conftest import make_cart, place
from tests.factories import UserFactory, VariantFactory
from tests.reminders.conftest import confirmed_alerts
from worker.models import OutboxEmail

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]

SIGN_UP = "/back-in-stock/"


def _alert_emails():
    return OutboxEmail.objects.filter(kind="back_in_stock")


@pytest.fixture
def restock(django_capture_on_commit_callbacks):
    """Set a variant's stock as the admin does, and run what its commit queues (the batch
    task, the emails), as the worker would."""

    def run(variant, quantity):
        with django_capture_on_commit_callbacks(execute=True):
            catalog_services.set_stock_on_hand(variant_id=variant.pk, quantity=quantity)

    return run


# --- signing up ----------------------------------------------------------------------------


def test_the_product_page_offers_the_alert_on_a_sold_out_variant_only(client, sold_out):
    page = client.get(sold_out.product.get_absolute_url() + "?variant=TEE-L").content.decode()
    form = re.search(r"<form[^>]*data-stock-alert[^>]*>", page).group(0)
    assert "hidden" not in form
    assert f'name="variant" value="{sold_out.pk}"' in page
    assert "Email me when it is back" in page

    page = client.get(sold_out.product.get_absolute_url() + "?variant=TEE-M").content.decode()
    assert " hidden" in re.search(r"<form[^>]*data-stock-alert[^>]*>", page).group(0)

    plain = VariantFactory(stock_on_hand=3)  # no options, in stock: no form at all
    assert "data-stock-alert" not in client.get(plain.product.get_absolute_url()).content.decode()


def test_a_guest_confirms_their_address_first(
    client, sold_out, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SIGN_UP, {"variant": sold_out.pk, "email": " Ada@Example.com "})
    assert response.status_code == 200 and b"Check your inbox" in response.content
    alert = StockAlert.objects.get()
    assert (alert.email, alert.status) == ("ada@example.com", "pending")
    assert abs(alert.expires_at - alert.created_at - timedelta(days=90)) < timedelta(seconds=5)

    [message] = mailoutbox
    assert message.to == ["ada@example.com"] and "Linen Tee" in message.subject
    assert "List-Unsubscribe" not in message.extra_headers  # asked for: not marketing
    link = re.search(r"https://shop\.test(/back-in-stock/confirm/[^/\s]+/)", message.body).group(1)

    page = client.get(link)  # a mail scanner's visit confirms nothing
    assert page.status_code == 200 and b"Confirm my alert" in page.content
    assert StockAlert.objects.get().status == "pending"
    assert client.post(link).status_code == 200
    assert client.post(link).status_code == 200  # twice is once
    alert.refresh_from_db()
    assert alert.status == "confirmed" and alert.confirmed_at is not None

    # Asking again for the same variant: the same alert, no second email.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(SIGN_UP, {"variant": sold_out.pk, "email": "ada@example.com"})
    assert StockAlert.objects.count() == 1 and len(mailoutbox) == 1


def test_a_signed_in_shopper_with_a_verified_address_is_confirmed_at_once(
    client, sold_out, mailoutbox
):
    user = UserFactory(email="sam@example.com")
    client.force_login(user)
    response = client.post(SIGN_UP, {"variant": sold_out.pk, "email": ""})
    assert response.status_code == 302
    alert = StockAlert.objects.get()
    assert (alert.email, alert.status, alert.user) == ("sam@example.com", "confirmed", user)
    assert not OutboxEmail.objects.exists()


def test_an_unverified_account_confirms_by_email_like_a_guest(client, sold_out):
    client.force_login(UserFactory(email="new@example.com", verified=False))
    client.post(SIGN_UP, {"variant": sold_out.pk})
    assert StockAlert.objects.get().status == "pending"
    assert OutboxEmail.objects.get().kind == "back_in_stock_confirm"


@pytest.mark.parametrize(
    ("data", "status", "says"),
    [
        ({"variant": "TEE-M", "email": "a@example.com"}, 302, None),  # in stock: go buy it
        ({"variant": "999999", "email": "a@example.com"}, 404, "not available"),
        ({"variant": "x" * 40, "email": "a@example.com"}, 404, "not available"),
        ({"variant": "²", "email": "a@example.com"}, 404, "not available"),  # a digit, not ASCII
        ({"email": "a@example.com"}, 404, "not available"),
        ({"variant": "TEE-L", "email": "not an address"}, 400, "valid email"),
        (
            {"variant": "TEE-L", "email": "a\x00@example.com"},
            400,
            "could not read",
        ),  # the site's body guard
        ({"variant": "TEE-L", "email": "a@" + "b" * 260 + ".com"}, 400, None),
        ({"variant": "TEE-L", "email": ""}, 400, "enter your email"),
    ],
)
def test_bad_sign_ups_get_a_clear_answer_and_change_nothing(client, sold_out, data, status, says):
    skus = {"TEE-L": sold_out.pk, "TEE-M": sold_out.product.variants.get(sku="TEE-M").pk}
    data = {k: skus.get(v, v) if k == "variant" else v for k, v in data.items()}
    response = client.post(SIGN_UP, data)
    assert response.status_code == status
    if says:
        assert says in response.content.decode()
    assert not StockAlert.objects.exists() and not OutboxEmail.objects.exists()


def test_sign_ups_are_rate_limited(client, sold_out, settings):
    settings.BACK_IN_STOCK_SIGNUP_RATE = "2/h"
    for n in range(2):
        assert (
            client.post(SIGN_UP, {"variant": sold_out.pk, "email": f"p{n}@example.com"}).status_code
            == 200
        )
    response = client.post(SIGN_UP, {"variant": sold_out.pk, "email": "p9@example.com"})
    assert response.status_code == 429 and b"Too many sign-ups" in response.content
    assert StockAlert.objects.count() == 2


@pytest.mark.parametrize("tamper", ["flip", "other-salt", "expired"])
def test_a_bad_or_old_confirm_link_is_a_clear_error(client, sold_out, tamper, settings):
    alert = services.subscribe_to_stock(variant_id=sold_out.pk, email="a@example.com")
    token = tokens.confirm_alert_token(alert.pk)
    if tamper == "flip":
        token = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
        expected = (400, b"not valid")
    elif tamper == "other-salt":
        token = signing.dumps({"a": alert.pk}, salt="reminders.unsubscribe", compress=True)
        expected = (400, b"not valid")
    else:
        old = timezone.now() - timedelta(days=8)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("time.time", lambda: old.timestamp())
            token = tokens.confirm_alert_token(alert.pk)
        expected = (410, b"expired")
    response = client.post(f"/back-in-stock/confirm/{token}/")
    assert (response.status_code, expected[1] in response.content) == (expected[0], True)
    assert StockAlert.objects.get().status == "pending"


def test_an_expired_sign_up_is_never_emailed(sold_out, mailoutbox):
    [old] = confirmed_alerts(sold_out, 1)
    StockAlert.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    pending = services.subscribe_to_stock(variant_id=sold_out.pk, email="late@example.com")
    StockAlert.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(days=1))

    catalog_services.set_stock_on_hand(variant_id=sold_out.pk, quantity=5)
    assert services.scan_stock_alerts() == 0
    assert set(StockAlert.objects.values_list("status", flat=True)) == {"expired"}
    assert not _alert_emails().exists()
    with pytest.raises(services.ReminderError):
        services.confirm_alert(token=tokens.confirm_alert_token(pending.pk))


# --- batches ------------------------------------------------------------------------------


def test_a_restock_emails_a_batch_sized_to_the_stock_first_come_first_served(
    sold_out, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.BACK_IN_STOCK_BATCH_MULTIPLE = 2
    alerts = confirmed_alerts(sold_out, 10)

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.set_stock_on_hand(variant_id=sold_out.pk, quantity=3)  # the admin's

    emailed = StockAlert.objects.filter(status="notified").order_by("confirmed_at")
    assert [a.pk for a in emailed] == [a.pk for a in alerts[:6]]  # 2 per unit, earliest first
    assert len(mailoutbox) == 6 and _alert_emails().filter(status="sent").count() == 6
    message = mailoutbox[0]
    assert "Linen Tee" in message.subject and "?variant=TEE-L" in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith(
        "<https://shop.test/email/unsubscribe/"
    )
    batch = StockAlertBatch.objects.get()
    assert (batch.number, batch.units, batch.size) == (1, 3, 6)

    # Run again at once, by the scan or a retried task: nothing more, nothing twice.
    assert services.notify_back_in_stock(variant_id=sold_out.pk) == 0
    assert services.scan_stock_alerts() == 0
    assert len(mailoutbox) == 6

    # An hour later, with stock left: the rest (4), each once; then none are left.
    later = timezone.now() + timedelta(minutes=61)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.scan_stock_alerts(now=later) == 4
    assert len(mailoutbox) == 10
    assert not StockAlert.objects.filter(status="confirmed").exists()
    assert services.scan_stock_alerts(now=later + timedelta(hours=2)) == 0
    assert OutboxEmail.objects.filter(kind="back_in_stock").count() == 10


def test_no_next_batch_when_the_stock_is_gone(sold_out, settings, restock):
    settings.BACK_IN_STOCK_BATCH_MULTIPLE = 1
    confirmed_alerts(sold_out, 5)
    restock(sold_out, 2)
    assert StockAlert.objects.filter(status="notified").count() == 2
    restock(sold_out, 0)  # sold again
    assert services.scan_stock_alerts(now=timezone.now() + timedelta(hours=3)) == 0
    assert StockAlert.objects.filter(status="confirmed").count() == 3


def test_a_batch_run_twice_emails_each_alert_once(sold_out, restock):
    confirmed_alerts(sold_out, 3)
    restock(sold_out, 10)
    first = _alert_emails().count()
    services.notify_back_in_stock(variant_id=sold_out.pk, now=timezone.now() + timedelta(days=1))
    assert first == 3 and _alert_emails().count() == 3
    assert StockAlertBatch.objects.count() == 1


def test_units_given_back_by_an_expired_order_bring_the_alerts(
    sold_out, shipping_method, mailoutbox, django_capture_on_commit_callbacks
):
    catalog_services.set_stock_on_hand(variant_id=sold_out.pk, quantity=1)
    order = place(make_cart((sold_out, 1)), shipping_method)  # holds the last unit
    sold_out.refresh_from_db()
    assert sold_out.available == 0
    confirmed_alerts(sold_out, 3)
    order.reservation_expires_at = timezone.now() - timedelta(minutes=1)
    order.save(update_fields=["reservation_expires_at"])
    order.reservations.update(expires_at=timezone.now() - timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert expire_if_overdue(order_id=order.pk)

    assert StockAlert.objects.filter(status="notified").count() == 2  # 1 unit × 2
    assert sum(m.subject.endswith("is back in stock") for m in mailoutbox) == 2


def test_turning_alerts_off_cancels_them_and_the_batch_skips_opted_out_addresses(sold_out, restock):
    first, second, third = confirmed_alerts(sold_out, 3)
    services.unsubscribe(email=first.email, topic="back_in_stock")
    EmailPreference.objects.create(email=second.email, marketing=False)
    restock(sold_out, 10)
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert list(_alert_emails().values_list("recipient", flat=True)) == [third.email]


def test_the_api_signs_up(client, sold_out):
    response = client.post(
        "/api/v1/back-in-stock",
        {"variant_id": sold_out.pk, "email": "api@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    in_stock = sold_out.product.variants.get(sku="TEE-M")
    response = client.post(
        "/api/v1/back-in-stock",
        {"variant_id": in_stock.pk, "email": "api@example.com"},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "in_stock"
    response = client.post(
        "/api/v1/back-in-stock", {"variant_id": sold_out.pk}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "email"
    assert StockAlert.objects.count() == 1


def test_the_standalone_page_shows_the_form(client, sold_out):
    response = client.get(reverse("reminders:stock_alert") + f"?variant={sold_out.pk}")
    assert response.status_code == 200 and b"is sold out" in response.content


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_same_batch_send_it_once(require_postgres, settings):
    from tests.orders.test_concurrency import _run_at_once

    settings.BACK_IN_STOCK_BATCH_MULTIPLE = 2
    variant = VariantFactory(stock_on_hand=0)
    confirmed_alerts(variant, 20)
    variant.stock_on_hand = 3
    variant.save(update_fields=["stock_on_hand"])  # behind the signal's back: the scan's job

    results = _run_at_once(
        [lambda: services.notify_back_in_stock(variant_id=variant.pk) for _ in range(4)]
    )

    assert sorted(results) == [0, 0, 0, 6]
    assert StockAlertBatch.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="back_in_stock").count() == 6
    assert StockAlert.objects.filter(status="notified").count() == 6


@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True)
def test_the_same_sign_up_four_times_at_once_is_one_alert_and_one_email(require_postgres):
    from tests.orders.test_concurrency import _run_at_once

    variant = VariantFactory(stock_on_hand=0)
    results = _run_at_once(
        [
            lambda n=n: services.subscribe_to_stock(
                variant_id=variant.pk, email="same@example.com", client_ip=f"10.0.0.{n}"
            )
            for n in range(4)
        ]
    )
    assert len({alert.pk for alert in results}) == 1, results
    assert StockAlert.objects.count() == 1
    assert OutboxEmail.objects.filter(kind="back_in_stock_confirm").count() == 1
