"""The worker listens to what orders announce; no app imports the worker."""

import logging

from django.db import transaction
from django.dispatch import receiver

from orders.signals import order_paid, order_refunded
from shop.money import money
from worker import emails
from worker.models import OutboxEmail

logger = logging.getLogger(__name__)


def queue_email(outbox_id: int) -> None:
    from worker.tasks import send_email

    try:
        send_email.delay(outbox_id)
    except Exception:  # broker down: the outbox row stays pending and the sweep sends it
        logger.exception("Could not queue email %s; the periodic sweep will retry", outbox_id)


@receiver(order_paid)
def owe_confirmation(sender, order, **kwargs):
    email = emails.owe_email(order=order, kind=OutboxEmail.Kind.ORDER_CONFIRMATION)
    transaction.on_commit(lambda: queue_email(email.pk))


@receiver(order_refunded)
def owe_refund_notice(sender, order, refund, **kwargs):
    email = emails.owe_email(
        order=order,
        kind=OutboxEmail.Kind.ORDER_REFUNDED,
        reference=refund.reference,
        data={
            "amount": str(money(refund.amount.amount, order.currency).amount),
            "refunded_total": str(money(order.refunded_total.amount, order.currency).amount),
            "reason": refund.reason,
            "automatic": refund.automatic,
            "fully_refunded": order.status == order.Status.REFUNDED,
        },
    )
    transaction.on_commit(lambda: queue_email(email.pk))
