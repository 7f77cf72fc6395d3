"""The order's log, and putting an order in front of the merchant."""

from __future__ import annotations

from django.db import transaction

from orders.models import Order, OrderEvent


def record_event(
    *,
    order: Order,
    kind: OrderEvent.Kind,
    message: str,
    actor: str = "system",
    data: dict | None = None,
) -> OrderEvent:
    """One entry in the order's log. `kind` must be one of OrderEvent.Kind (a ValueError
    otherwise: a new kind is declared there first)."""
    return OrderEvent.objects.create(
        order=order, kind=OrderEvent.Kind(kind), message=message, actor=actor, data=data or {}
    )


def flag(
    *,
    order_id: int,
    kind: OrderEvent.Kind,
    message: str,
    actor: str,
    data: dict | None = None,
) -> Order:
    """Put the order in front of the merchant with a note in its event log."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        order.needs_attention = True
        order.save(update_fields=["needs_attention", "updated_at"])
        record_event(order=order, kind=kind, actor=actor, message=message, data=data)
        return order
