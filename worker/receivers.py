"""The worker listens to what orders and payments announce; no app imports the worker.

Each receiver runs inside the transaction that made the change: it records the owed email
there (so it exists if and only if the change committed) and queues the task on commit.
"""

import logging

from django.db import transaction
from django.dispatch import receiver

from orders.signals import email_requested, order_expired, order_paid, order_refunded, order_shipped
from payments.signals import payment_failed, payment_succeeded
from shop.money import money
from worker import emails
from worker.models import OutboxEmail

logger = logging.getLogger(__name__)
Kind = OutboxEmail.Kind


def queue_email(outbox_id: int) -> None:
    from worker.tasks import send_email

    try:
        send_email.delay(outbox_id)
    except Exception:  # broker down: the outbox row stays pending and the sweep sends it
        logger.exception("Could not queue email %s; the periodic sweep will retry", outbox_id)


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

        try:
            describe_payment_card.delay(payment.pk)
        except Exception:  # broker down: the order page shows no card, nothing else is lost
            logger.exception("Could not queue the card description of payment %s", payment.pk)

    transaction.on_commit(queue)


@receiver(order_shipped)
def owe_shipped(sender, order, **kwargs):
    _owe(order, Kind.ORDER_SHIPPED)


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
