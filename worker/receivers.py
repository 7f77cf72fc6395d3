"""The worker listens to what orders, payments, the catalog and the reminders announce; no app
imports the worker.

Each receiver runs inside the transaction that made the change: it records the owed email
there (so it exists if and only if the change committed) and queues the task on commit.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from giftcards import codes as giftcard_codes
from giftcards.signals import gift_card_issued
from orders.signals import (
    email_requested,
    order_delivered,
    order_expired,
    order_paid,
    order_refunded,
    order_shipped,
)
from payments.signals import payment_failed, payment_succeeded
from reminders.signals import email_requested as reminder_requested
from returns import selectors as returns
from returns.signals import return_changed
from shop import redis_cache
from shop.catalog.signals import stock_returned
from shop.money import money
from worker import emails
from worker.models import OutboxEmail

logger = logging.getLogger(__name__)
Kind = OutboxEmail.Kind


def queue_email(outbox_id: int) -> None:
    from worker.tasks import send_email

    if _broker_is_down():
        logger.warning("Redis is down: email %s waits; the periodic sweep will retry", outbox_id)
        return
    try:
        send_email.delay(outbox_id)
    except Exception as error:  # broker down: the outbox row stays pending and the sweep sends it
        _broker_failed(error)
        logger.exception("Could not queue email %s; the periodic sweep will retry", outbox_id)


def _broker_is_down() -> bool:
    """The broker is the shop's Redis and it does not answer (shop/redis_cache.py: a breaker
    open since a recent failure, or a PING within the cache's short timeouts): queueing now
    would only wait on it, for a second or more."""
    from worker.celery import app

    if app.conf.task_always_eager or app.conf.broker_url != settings.REDIS_URL:
        return False
    return redis_cache.redis_is_down() or not redis_cache.redis_answers()


def _broker_failed(error: Exception) -> None:
    """A broker that could not be reached is the shop's Redis down: skip it for a while."""
    from worker.celery import app

    unreachable = isinstance(error, (KombuOperationalError, *redis_cache.UNREACHABLE))
    if unreachable and app.conf.broker_url == settings.REDIS_URL:
        redis_cache.note_redis_failure(error)


def _owe(order, kind, reference="", data=None):
    email = emails.owe_email(order=order, kind=kind, reference=reference, data=data)
    transaction.on_commit(lambda: queue_email(email.pk))
    return email


@receiver(order_paid)
def owe_confirmation(sender, order, **kwargs):
    _owe(order, Kind.ORDER_CONFIRMATION)


@receiver(email_requested)
def owe_requested_email(sender, order, kind, reference, **kwargs):
    _owe(order, kind, reference=reference)


@receiver(payment_failed)
def owe_payment_reminder(sender, order, message, **kwargs):
    """A declined card is news for the shopper on the page, not for their inbox: the email
    is a reminder, owed once per order and sent by the sweep only if the order is still
    unpaid later (worker/emails.py decides when, and checks again before sending)."""
    send_after = emails.payment_reminder_time(order)
    if send_after is not None:
        emails.owe_email(
            order=order, kind=Kind.PAYMENT_FAILED, data={"message": message}, send_after=send_after
        )


@receiver(payment_succeeded)
def describe_card_later(sender, payment, **kwargs):
    """Which card paid is one more call to Stripe: made by the worker, not the webhook."""

    def queue():
        from worker.tasks import describe_payment_card

        if _broker_is_down():
            return  # the order page shows no card, nothing else is lost
        try:
            describe_payment_card.delay(payment.pk)
        except Exception as error:  # broker down: the order page shows no card
            _broker_failed(error)
            logger.exception("Could not queue the card description of payment %s", payment.pk)

    transaction.on_commit(queue)


@receiver(order_shipped)
def owe_shipped(sender, order, **kwargs):
    _owe(order, Kind.ORDER_SHIPPED)


@receiver(order_delivered)
def owe_review_request(sender, order, **kwargs):
    """ "Review what you bought", owed once per order (the outbox's unique constraint, however
    often delivery is recorded) and sent by the sweep REVIEW_REQUEST_DAYS after delivery, if
    the order is still delivered then (not refunded)."""
    emails.owe_email(
        order=order, kind=Kind.REVIEW_REQUEST, send_after=emails.review_request_time(order)
    )


@receiver(order_expired)
def owe_expired(sender, order, **kwargs):
    _owe(order, Kind.ORDER_EXPIRED)


def _refunded_items(order, units: dict[int, int]) -> list[dict]:
    if not units:
        return []
    return [
        {"units": units[line.pk], "name": line.product_name, "label": line.variant_label}
        for line in order.lines.filter(pk__in=units)
    ]


@receiver(order_refunded)
def owe_refund_notice(sender, order, refund, **kwargs):
    _owe(
        order,
        Kind.ORDER_REFUNDED,
        reference=refund.reference,
        data={
            "amount": str(money(refund.amount.amount, order.currency).amount),
            "refunded_total": str(money(order.refunded_total.amount, order.currency).amount),
            "reason": refund.reason,
            "automatic": refund.automatic,
            # What was given back, as the shopper bought it ("1 × Tee (M / Sand)").
            "items": _refunded_items(order, refund.lines or {}),
            "fully_refunded": order.status == order.Status.REFUNDED,
        },
    )


@receiver(reminder_requested)
def owe_reminder(sender, kind, reference, recipient, data, **kwargs):
    """A back-in-stock or abandoned-cart email (reminders/services.py decided it): owed once
    per (kind, reference), sent after commit."""
    email = emails.owe_reminder(kind=kind, reference=reference, recipient=recipient, data=data)
    transaction.on_commit(lambda: queue_email(email.pk))


@receiver(stock_returned)
def notify_back_in_stock(sender, variant_ids, **kwargs):
    """A variant came back: its first batch of alerts goes from a task, after commit (the
    restock's transaction, an admin save or a refund's webhook, stays quick). If the broker
    is down, the periodic scan sends it."""

    def queue():
        from worker.tasks import send_back_in_stock

        if _broker_is_down():
            return
        for variant_id in variant_ids:
            try:
                send_back_in_stock.delay(variant_id)
            except Exception as error:  # broker down: the periodic scan sends the batch
                _broker_failed(error)
                logger.exception("Could not queue the back-in-stock batch of %s", variant_id)
                return

    transaction.on_commit(queue)


@receiver(gift_card_issued)
def owe_gift_card(sender, card, code, order_id, **kwargs):
    """The code of a card bought with an order, emailed once to its recipient on the day the
    buyer chose (the sweep sends it then). The code is kept sealed in the row until sent."""
    send_after = None
    if card.send_on is not None:
        send_after = timezone.make_aware(
            datetime.datetime.combine(card.send_on, datetime.time(8, 0))
        )
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                order_id=order_id,
                kind=Kind.GIFT_CARD,
                reference=f"card-{card.pk}",
                recipient=card.recipient_email or card.purchaser_email,
                data={
                    "code": giftcard_codes.seal(code),
                    "last4": card.last4,
                    "amount": str(card.initial_balance),
                    "currency": card.currency,
                    "sender_name": card.sender_name,
                    "message": card.message,
                },
                send_after=send_after,
            )
        ],
        ignore_conflicts=True,
    )
    email = OutboxEmail.objects.get(
        order_id=order_id, kind=Kind.GIFT_CARD, reference=f"card-{card.pk}"
    )
    if send_after is None or send_after <= timezone.now():
        transaction.on_commit(lambda: queue_email(email.pk))


@receiver(return_changed)
def owe_return_update(sender, return_request, step, **kwargs):
    """An email per (return, step). The refund itself is told by the refund's own email
    (order_refunded, with what was given back), so the "refunded" step sends no second one."""
    if step == "refunded":
        return
    _owe(
        return_request.order,
        Kind.RETURN_UPDATE,
        reference=f"{return_request.number}-{step}",
        data=returns.email_data(return_request, step),
    )
