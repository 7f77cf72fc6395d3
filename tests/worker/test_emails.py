"""The outbox: retried on SMTP errors, sent once, skipped when no longer true; the digest."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.services.paying import mark_paid
from tests.factories import UserFactory, VariantFactory
from tests.slow_mail import FlakyBackend
from worker import emails
from worker.models import OutboxEmail
from worker.tasks import send_email, send_low_stock_digest

pytestmark = pytest.mark.django_db


def test_an_smtp_failure_is_retried_and_the_email_sent_once(order, settings, tmp_path):
    settings.EMAIL_BACKEND = "tests.slow_mail.FlakyBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    FlakyBackend.failures = 2
    mark_paid(order_id=order.pk, amount=order.total, reference="pi_smtp", actor="t")
    email = OutboxEmail.objects.get(order=order)

    send_email.apply(args=[email.pk])  # as a worker runs it: retried with backoff

    email.refresh_from_db()
    assert email.status == "sent" and email.last_error == ""
    assert len(list(tmp_path.iterdir())) == 1
    assert send_email.apply(args=[email.pk]).get() is False  # a repeat sends nothing
    assert len(list(tmp_path.iterdir())) == 1


def test_the_retry_policy_backs_off_exponentially():
    assert send_email.autoretry_for and send_email.retry_backoff is True
    assert send_email.retry_backoff_max == 600 and send_email.max_retries == 8
    assert send_email.acks_late and send_email.reject_on_worker_lost


def test_the_low_stock_digest_goes_to_the_merchants_once_a_day(settings, mailoutbox):
    VariantFactory(sku="LOW-1", stock_on_hand=2, product__name="Teapot")
    VariantFactory(sku="PLENTY", stock_on_hand=50)
    UserFactory(is_staff=True, email="mo@example.com")
    UserFactory(email="shopper@example.com")

    assert send_low_stock_digest() is True
    assert send_low_stock_digest() is True  # the same day: the same row, sent once

    assert len(mailoutbox) == 1
    digest = mailoutbox[0]
    assert digest.to == ["mo@example.com"] and "LOW-1" in digest.body
    assert "PLENTY" not in digest.body and "Teapot" in digest.alternatives[0][0]
    assert OutboxEmail.objects.get().reference == timezone.localdate().isoformat()

    settings.MERCHANT_EMAILS = ["stock@example.com", "owner@example.com"]
    tomorrow = timezone.localdate() + timedelta(days=1)
    email = emails.owe_low_stock_digest(day=tomorrow)
    assert email.recipients == ["stock@example.com", "owner@example.com"]


def test_no_digest_when_nothing_is_low(mailoutbox):
    VariantFactory(stock_on_hand=50)
    UserFactory(is_staff=True)
    assert send_low_stock_digest() is False and mailoutbox == []
