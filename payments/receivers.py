"""Payments listen to orders."""

import logging

from django.db import transaction
from django.dispatch import receiver

from orders.signals import order_expired

logger = logging.getLogger(__name__)


@receiver(order_expired)
def cancel_open_payment_intents(sender, order, **kwargs):
    """An expired order's PaymentIntents are cancelled at Stripe once the expiry commits, so
    a tab left open cannot pay for stock that went back on the shelf. If Stripe cannot be
    reached, or the shopper was paying at that very moment, nothing is lost: a payment that
    still arrives is applied (or refunded if the stock is gone) like any other."""
    from payments import services

    order_id = order.pk
    transaction.on_commit(lambda: services.cancel_open_payments(order_id=order_id))
