"""Returns listen to orders: a refund Stripe finished later (its `charge.refunded` event, or
`sync_refunds`) completes the return it was made for, in the same transaction."""

from __future__ import annotations

from django.dispatch import receiver

from orders.signals import order_refunded
from payments.models import Refund


@receiver(order_refunded)
def complete_return(sender, order, refund, **kwargs):
    made = Refund.objects.filter(
        stripe_refund_id=refund.reference, idempotency_key__startswith="return-"
    ).first()
    if made is None:
        return
    from returns import refunding

    refunding.record_if_ours(order=order, refund=made)
