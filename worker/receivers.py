"""The worker listens to what orders announce; no app imports the worker."""

import logging

from django.db import transaction
from django.dispatch import receiver

from orders.signals import order_paid
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
