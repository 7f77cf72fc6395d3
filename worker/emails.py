"""Sending the shop's emails exactly once per (order, kind)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from worker.models import OutboxEmail

logger = logging.getLogger(__name__)

SUBJECTS = {
    OutboxEmail.Kind.ORDER_CONFIRMATION: "Your order {number} is confirmed",
    OutboxEmail.Kind.ORDER_REFUNDED: "A refund for your order {number}",
}


def owe_email(*, order, kind: str, reference: str = "", data: dict | None = None) -> OutboxEmail:
    """Record that an email is owed (idempotent). Call inside the transaction that caused it."""
    email, _ = OutboxEmail.objects.get_or_create(
        order=order,
        kind=kind,
        reference=reference,
        defaults={"recipient": order.email, "data": data or {}},
    )
    return email


def send_once(*, outbox_id: int) -> bool:
    """Send the email unless it was sent already. Returns True if this call sent it.

    The row stays locked while the message goes out, so two workers running the same task
    cannot both send it; the row is marked sent in the same transaction.
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update()
            .select_related("order")
            .filter(pk=outbox_id)
            .first()
        )
        if email is None or email.status == OutboxEmail.Status.SENT:
            return False
        order = email.order
        context = {
            "order": order,
            "lines": list(order.lines.all()),
            "shop_name": settings.SHOP_NAME,
            "data": email.data,
        }
        template = f"emails/{email.kind}"
        message = EmailMultiAlternatives(
            subject=SUBJECTS[email.kind].format(number=order.number),
            body=render_to_string(f"{template}.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.recipient],
            headers={
                "X-Shop-Email-Id": f"{email.kind}-{order.number}-{email.reference}".rstrip("-")
            },
        )
        message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
        email.attempts += 1
        message.send()
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        email.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        logger.info("Sent %s for order %s", email.kind, order.number)
        return True


def record_failure(*, outbox_id: int, error: Exception) -> None:
    OutboxEmail.objects.filter(pk=outbox_id, status=OutboxEmail.Status.PENDING).update(
        last_error=repr(error)[:2000]
    )
