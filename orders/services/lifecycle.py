"""The end of an unpaid order's life: expiry when its hold runs out, cancellation. What its
gift cards and store credit paid goes back to them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from giftcards import services as giftcard_services
from orders import allocation, vouchers
from orders import metrics as order_metrics
from orders.exceptions import CheckoutError, CheckoutErrorCode
from orders.models import Order, OrderEvent
from orders.services.events import record_event
from orders.signals import (
    order_expired,
)
from shop import metrics
from shop.cart import services as cart_services


def end_unpaid(
    order: Order, *, status: Order.Status, kind: OrderEvent.Kind, message: str, actor: str
) -> None:
    """Close an unpaid order: its stock, its voucher and its cart are free again.
    The caller holds the order's row lock."""
    # Gift cards and store credit before variants: the lock order (giftcards/ledger.py).
    giftcard_services.release_for_order(order_id=order.pk, order_number=order.number, actor=actor)
    allocation.release(order=order)
    vouchers.give_back(order=order)
    order.move_to(status)
    order.save(update_fields=["status", "updated_at"])
    if order.cart_id:
        cart_services.set_in_checkout(cart_id=order.cart_id, in_checkout=False)
    record_event(order=order, kind=kind, message=message, actor=actor)


def expire_overdue_orders(*, now=None) -> int:
    """Release the stock of unpaid orders whose hold ran out; they become `expired`."""
    now = now or timezone.now()
    overdue = Order.objects.filter(
        status=Order.Status.PENDING_PAYMENT, reservation_expires_at__lte=now
    ).values_list("pk", flat=True)
    return sum(expire_if_overdue(order_id=order_id, now=now) for order_id in list(overdue))


def expire_if_overdue(*, order_id: int, now=None) -> bool:
    """Expire one unpaid order whose hold ran out. The periodic task calls this for every
    overdue order; pages call it for the order they show, so the embedded shop (no beat)
    tells the truth too."""
    now = now or timezone.now()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not order.can_move_to(Order.Status.EXPIRED) or (
            order.reservation_expires_at is None or order.reservation_expires_at > now
        ):
            return False  # paid, cancelled or still held while we were looking
        metrics.count_on_commit(order_metrics.ORDERS, event="expired")
        end_unpaid(
            order,
            status=Order.Status.EXPIRED,
            kind=OrderEvent.Kind.EXPIRED,
            actor="system",
            message="Not paid in time; the held stock was released.",
        )
        order_expired.send(sender=Order, order=order)
        return True


def cancel_order(*, order_id: int, actor: str, reason: str = "") -> Order:
    """Cancel an order before it ships. Unpaid: its hold is released. Paid: its units go
    back on the shelf and the order is flagged until the payment is refunded."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        message = f"Cancelled by {actor}. {reason}".strip()
        if order.status == Order.Status.PENDING_PAYMENT:
            end_unpaid(
                order,
                status=Order.Status.CANCELLED,
                kind=OrderEvent.Kind.CANCELLED_BY_MERCHANT,
                message=message,
                actor=actor,
            )
            return order
        if not order.can_move_to(Order.Status.CANCELLED):
            raise CheckoutError(
                _("This order cannot be cancelled: it is %(status)s.")
                % {"status": order.get_status_display().lower()},
                CheckoutErrorCode.NOT_CANCELLABLE,
            )
        allocation.restore(order=order)
        order.move_to(Order.Status.CANCELLED)
        order.needs_attention = True
        order.save(update_fields=["status", "needs_attention", "updated_at"])
        record_event(
            order=order,
            kind=OrderEvent.Kind.CANCELLED,
            actor=actor,
            message=f"{message} Stock restored; the payment must be refunded.",
        )
        return order
