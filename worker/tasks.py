"""Tasks: thin shells that take ids, load fresh rows and are safe to run twice."""

from __future__ import annotations

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from giftcards import services as giftcard_services
from orders import services as order_services
from payments import services as payment_services
from promotions import services as promotion_services
from reminders import services as reminder_services
from worker import emails
from worker import metrics as worker_metrics
from worker.models import OutboxEmail

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def send_email(self, outbox_id: int) -> bool:
    try:
        return emails.send_once(outbox_id=outbox_id)
    except (SMTPException, OSError) as error:
        emails.record_failure(outbox_id=outbox_id, error=error)
        last_try = self.request.retries >= self.max_retries
        kind = OutboxEmail.objects.filter(pk=outbox_id).values_list("kind", flat=True).first()
        worker_metrics.EMAILS.labels(kind or "unknown", "failed" if last_try else "retried").inc()
        raise


@shared_task(
    acks_late=True,
    autoretry_for=(payment_services.gateway.StripeError,),
    retry_backoff=True,
    max_retries=5,
)
def describe_payment_card(payment_id: int) -> str:
    return payment_services.describe_card(payment_id=payment_id)


@shared_task(acks_late=True)
def expire_unpaid_orders() -> int:
    return order_services.expire_overdue_orders()


@shared_task(acks_late=True)
def expire_gift_cards_and_credit() -> int:
    """Take what is left off gift cards and store credit past their expiry (the ledger's
    EXPIRE entries); safe to run twice."""
    return giftcard_services.expire_due()


@shared_task(acks_late=True)
def reconcile_payments() -> dict[str, int]:
    """Ask Stripe about payments of orders still awaiting payment: a lost webhook must never
    leave a paid order unpaid."""
    return payment_services.reconcile_pending_payments()


@shared_task(acks_late=True)
def send_low_stock_digest() -> bool:
    """Once a day: tell the merchant which variants are running out (at most one a day)."""
    email = emails.owe_low_stock_digest()
    if email is None:
        return False
    send_email.delay(email.pk)
    return True


@shared_task(acks_late=True)
def requeue_pending_emails() -> int:
    """Queue the emails owed: reminders whose time has come, and any other still owed after
    a while (a broker that was down when the order was paid must not cost the shopper their
    confirmation)."""
    now = timezone.now()
    stale = OutboxEmail.objects.filter(
        Q(send_after__lte=now)
        | Q(send_after__isnull=True, created_at__lte=now - timedelta(minutes=5)),
        status=OutboxEmail.Status.PENDING,
    ).values_list("pk", flat=True)
    count = 0
    for outbox_id in stale:
        send_email.delay(outbox_id)
        count += 1
    return count


@shared_task(acks_late=True)
def send_back_in_stock(variant_id: int) -> int:
    """A variant came back: email its next batch of alerts (reminders decide how many)."""
    return reminder_services.notify_back_in_stock(variant_id=variant_id)


@shared_task(acks_late=True)
def scan_stock_alerts() -> int:
    """Periodic safety net: expire old sign-ups, and send the next batch for any variant with
    stock and waiting alerts (a lost signal, or stock left after a batch)."""
    return reminder_services.scan_stock_alerts()


@shared_task(acks_late=True)
def remind_abandoned_carts() -> int:
    """Periodic: owe the next reminder of each cart left idle with a known address."""
    return reminder_services.remind_abandoned_carts()


@shared_task
def bump_catalog_at_promotion_boundaries() -> bool:
    """A promotion that started or ended since the last run: catalog pages are rebuilt."""
    return promotion_services.bump_at_boundaries()
