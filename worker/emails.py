"""Sending the shop's emails exactly once per outbox row."""

from __future__ import annotations

import logging
from datetime import timedelta
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from giftcards import codes
from orders.models import Order
from orders.selectors import signed_order_url
from reminders import selectors as reminders
from reminders import tokens as reminder_links
from reminders.models import Topic
from reviews import links as review_links
from shop import metrics
from shop.catalog import images
from shop.catalog.selectors import low_stock_variants, variant_photo
from shop.languages import supported
from shop.money import money
from worker import metrics as worker_metrics
from worker.models import OutboxEmail

logger = logging.getLogger(__name__)

Kind = OutboxEmail.Kind

SUBJECTS = {
    Kind.ORDER_CONFIRMATION: _("Your order {number} is confirmed"),
    Kind.PAYMENT_FAILED: _("Your order {number} is waiting for payment"),
    Kind.ORDER_SHIPPED: _("Your order {number} is on its way"),
    Kind.ORDER_REFUNDED: _("A refund for your order {number}"),
    Kind.ORDER_EXPIRED: _("Your order {number} was not completed"),
    Kind.REVIEW_REQUEST: _("How do you like what you bought? (order {number})"),
}
# A return's email says which step it reached (data["step"]).
RETURN_SUBJECTS = {
    "requested": _("We have your return request for order {number}"),
    "approved": _("Your return for order {number} is approved: how to send it back"),
    "declined": _("About your return request for order {number}"),
    "received": _("We have received your return for order {number}"),
    "closed": _("Your return for order {number} is closed"),
    "exchange_shipped": _("Your replacement for order {number} is on its way"),
}


# The emails that bring shoppers back, each with the preference topic that turns it off: they
# carry the one-click unsubscribe headers (RFC 8058) and a preferences link, and are skipped
# for a recipient who opted out. Another marketing email joins by a line here.
MARKETING_KINDS = {
    Kind.BACK_IN_STOCK: Topic.BACK_IN_STOCK,
    Kind.ABANDONED_CART: Topic.ABANDONED_CART,
    Kind.REVIEW_REQUEST: Topic.REVIEW_REQUEST,
}
# Emails the reminders app writes (reminders/selectors.email_content).
REMINDER_KINDS = {Kind.BACK_IN_STOCK_CONFIRM, Kind.BACK_IN_STOCK, Kind.ABANDONED_CART}


def opted_out(email: OutboxEmail) -> bool:
    """A marketing email whose recipient turned its topic (or all marketing) off."""
    topic = MARKETING_KINDS.get(email.kind)
    return topic is not None and not all(
        reminders.allows(address, topic) for address in email.recipients
    )


def still_true(email: OutboxEmail) -> bool:
    """Whether the news is still news when the worker gets to it: a 'payment failed' for an
    order paid since, or an 'expired' for an order paid late, would only confuse."""
    order = email.order
    if email.kind == Kind.PAYMENT_FAILED:
        # A reminder: only while the order can still be paid.
        return order.status == Order.Status.PENDING_PAYMENT and (
            order.reservation_expires_at is None or order.reservation_expires_at > timezone.now()
        )
    if email.kind == Kind.ORDER_EXPIRED:
        return order.status == Order.Status.EXPIRED
    if email.kind == Kind.REVIEW_REQUEST:
        # Refunded since (returned, lost): no invitation to review it.
        return order.status == Order.Status.DELIVERED
    return True


def owe_email(
    *, order, kind: str, reference: str = "", data: dict | None = None, send_after=None
) -> OutboxEmail:
    """Record that an email is owed (idempotent). Call inside the transaction that caused it.

    An insert that does nothing if the email is already owed (the unique constraint decides,
    even between two transactions at once), then the row: two round trips, where
    get_or_create takes four with its savepoint."""
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                order=order,
                kind=kind,
                reference=reference,
                recipient=order.email,
                data=data or {},
                send_after=send_after,
            )
        ],
        ignore_conflicts=True,
    )
    return OutboxEmail.objects.get(order=order, kind=kind, reference=reference)


# A reminder that comes less than this long after the failure, or this close to the end of
# the hold, would reach a shopper who is still on the page or whose items are already gone.
REMINDER_MARGIN = timedelta(minutes=5)


def payment_reminder_time(order, *, failed_at=None):
    """When to remind a shopper whose card was declined, or None for no reminder.

    PAYMENT_REMINDER_MINUTES after the failure, but no later than a few minutes before the
    stock hold ends (a reminder after it would only offer what is gone: the expiry email
    says that instead); none at all if that leaves too little time.
    """
    failed_at = failed_at or timezone.now()
    due = failed_at + timedelta(minutes=settings.PAYMENT_REMINDER_MINUTES)
    if order.reservation_expires_at is not None:
        due = min(due, order.reservation_expires_at - REMINDER_MARGIN)
    if due < failed_at + REMINDER_MARGIN:
        return None
    return due


def review_request_time(order):
    """REVIEW_REQUEST_DAYS after delivery: time to have used what came."""
    return (order.delivered_at or timezone.now()) + timedelta(days=settings.REVIEW_REQUEST_DAYS)


def merchant_recipients() -> list[str]:
    if settings.MERCHANT_EMAILS:
        return list(settings.MERCHANT_EMAILS)
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).exclude(email="")
    return sorted(set(staff.values_list("email", flat=True)))


def owe_low_stock_digest(*, day=None) -> OutboxEmail | None:
    """Today's digest of variants running out, owed once per day; None if nothing is low or
    nobody is there to tell."""
    day = day or timezone.localdate()
    variants = [
        {
            "sku": v.sku,
            "product": v.product.name,
            "label": v.label,
            "units": v.units_in_stock,
            "backorder": v.allow_backorder,
        }
        for v in low_stock_variants()[:200]
    ]
    recipients = merchant_recipients()
    if not variants or not recipients:
        return None
    email, _created = OutboxEmail.objects.get_or_create(
        order=None,
        kind=Kind.LOW_STOCK_DIGEST,
        reference=day.isoformat(),
        defaults={
            "recipient": ", ".join(recipients),
            "data": {
                "variants": variants,
                "threshold": settings.LOW_STOCK_THRESHOLD,
                "day": day.isoformat(),
            },
        },
    )
    return email


def _with_photos(order) -> list:
    """The order's lines, each with `photo_url`: its variant's own photo, small, absolute."""
    lines = list(order.lines.annotate(image_path=variant_photo(OuterRef("variant_id"))))
    for line in lines:
        small = images.thumbnail_url(line.image_path, jpeg=True)
        line.photo_url = urljoin(settings.SHOP_URL.rstrip("/") + "/", small) if small else ""
    return lines


def render(email: OutboxEmail) -> EmailMultiAlternatives | None:
    """The message for an outbox row, text and HTML, as it will be sent: about an order, in
    the language it was placed in (its subject, words, dates, amounts and links); a reminder
    in the language the shopper used (data["language"], when it was known); the merchant's
    digest in the shop's default language. None if a reminder is no longer true (reminders
    decide: a cart ordered since, an alert cancelled)."""
    if email.order is not None:
        language = email.order.language
    else:
        language = email.data.get("language") or settings.LANGUAGE_CODE
    with translation.override(supported(language)):
        return _render(email)


def _render(email: OutboxEmail) -> EmailMultiAlternatives | None:
    order = email.order
    context = {
        "shop_name": settings.SHOP_NAME,
        "shop_url": settings.SHOP_URL,
        "admin_path": settings.ADMIN_URL,
        "data": email.data,
        "now": timezone.now(),
    }
    headers = {}
    if email.kind in REMINDER_KINDS:
        content = reminders.email_content(email.kind, email.data)
        if content is None:
            return None
        context |= content["context"]
        subject = str(content["subject"])
        reference = email.kind
    elif email.kind == Kind.GIFT_CARD:
        sender = email.data.get("sender_name", "")
        context |= {
            "code": codes.grouped(codes.unseal(email.data["code"])),
            "amount": money(email.data["amount"], email.data["currency"]),
            "sender_name": sender,
            "message": email.data.get("message", ""),
            "balance_url": urljoin(settings.SHOP_URL, reverse("giftcards:balance")),
        }
        subject = (
            gettext("A gift card from %(sender)s") % {"sender": sender}
            if sender
            else gettext("Your gift card from %(shop)s") % {"shop": settings.SHOP_NAME}
        )
        reference = f"{email.kind}-{order.number if order else ''}"
    elif order is not None:
        if email.data.get("reason"):
            # The shop's own reasons ("Your order was cancelled.") are catalog strings, written
            # here in the order's language; a reason the merchant typed stays as typed.
            context["data"] = {**email.data, "reason": gettext(email.data["reason"])}
        context |= {
            "order": order,
            "lines": _with_photos(order),
            "order_url": signed_order_url(order),
        }
        if email.kind == Kind.REVIEW_REQUEST:
            context["review_url"] = review_links.order_review_url(order)
        if email.kind == Kind.RETURN_UPDATE:
            subject = RETURN_SUBJECTS[email.data["step"]].format(number=order.number)
        else:
            subject = SUBJECTS[email.kind].format(number=order.number)
        reference = f"{email.kind}-{order.number}"
    else:
        count = len(email.data.get("variants", []))
        subject = ngettext(
            "Low stock: %(count)d variant needs restocking",
            "Low stock: %(count)d variants need restocking",
            count,
        ) % {"count": count}
        reference = email.kind
    if email.reference:
        reference += f"-{email.reference}"
    topic = MARKETING_KINDS.get(email.kind)
    if topic is not None:
        recipient = email.recipients[0]
        unsubscribe_url = reminder_links.unsubscribe_url(recipient, topic)
        context |= {
            "unsubscribe_url": unsubscribe_url,
            "preferences_url": reminder_links.preferences_url(recipient),
        }
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    template = f"emails/{email.kind}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.recipients,
        headers={"X-Shop-Email-Id": reference, **headers},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_once(*, outbox_id: int) -> bool:
    """Send the email unless it was sent already. Returns True if this call sent it.

    The row stays locked while the message goes out, so two workers running the same task
    cannot both send it; the row is marked sent in the same transaction.
    """
    with transaction.atomic():
        email = (
            OutboxEmail.objects.select_for_update(of=("self",))
            .select_related("order")
            .filter(pk=outbox_id)
            .first()
        )
        if email is None or email.status != OutboxEmail.Status.PENDING:
            return False
        if email.send_after is not None and email.send_after > timezone.now():
            return False  # not due yet: the sweep queues it when it is
        if email.order is not None and not still_true(email):
            email.status = OutboxEmail.Status.SKIPPED
            email.save(update_fields=["status"])
            logger.info("Skipped %s for order %s: no longer true", email.kind, email.order.number)
            return False
        if opted_out(email):
            return _skip(email, "the recipient opted out")
        message = render(email)
        if message is None:
            return _skip(email, "no longer true")
        email.attempts += 1
        message.send()
        email.status = OutboxEmail.Status.SENT
        email.sent_at = timezone.now()
        email.last_error = ""
        if email.kind == Kind.GIFT_CARD:  # sent: the sealed code is not kept
            email.data = {k: v for k, v in email.data.items() if k != "code"}
        email.save(update_fields=["status", "sent_at", "attempts", "last_error", "data"])
        metrics.count_on_commit(worker_metrics.EMAILS, kind=email.kind, outcome="sent")
        logger.info("Sent %s (%s)", email.kind, message.extra_headers["X-Shop-Email-Id"])
        return True


def _skip(email: OutboxEmail, why: str) -> bool:
    email.status = OutboxEmail.Status.SKIPPED
    email.last_error = why
    email.save(update_fields=["status", "last_error"])
    metrics.count_on_commit(worker_metrics.EMAILS, kind=email.kind, outcome="skipped")
    logger.info("Skipped %s (%s): %s", email.kind, email.reference, why)
    return False


def owe_reminder(*, kind: str, reference: str, recipient: str, data: dict) -> OutboxEmail:
    """Record a reminder's email (idempotent: the unique kind and reference of an email with
    no order). Call inside the transaction that decided it."""
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                order=None, kind=kind, reference=reference, recipient=recipient, data=data or {}
            )
        ],
        ignore_conflicts=True,
    )
    return OutboxEmail.objects.get(order=None, kind=kind, reference=reference)


def record_failure(*, outbox_id: int, error: Exception) -> None:
    OutboxEmail.objects.filter(pk=outbox_id, status=OutboxEmail.Status.PENDING).update(
        attempts=F("attempts") + 1, last_error=repr(error)[:2000]
    )
