"""Customer data on orders: guest orders joined to an account, an account closed."""

from __future__ import annotations

from django.db import transaction

from orders.models import Order, OrderEvent
from orders.services.events import record_event


def anonymise_orders_of(*, user) -> int:
    """The customer closed their account: keep their orders for the books (amounts, country
    and region for tax) without who they are or where they live."""
    with transaction.atomic():
        orders = list(Order.objects.select_for_update().filter(user=user).order_by("pk"))
        for order in orders:
            order.user = None
            order.email = f"deleted-customer-{order.number.lower()}@invalid.example"
            order.shipping_name = "Deleted customer"
            for field in ("line1", "line2", "city", "postcode", "phone"):
                setattr(order, f"shipping_{field}", "")
            order.save()
            record_event(
                order=order,
                kind=OrderEvent.Kind.ANONYMISED,
                actor="customer",
                message="The customer closed their account; their personal details were removed.",
            )
        return len(orders)


def attach_guest_orders(*, user, email: str) -> int:
    """Orders placed as a guest with this (now verified) email become the account's."""
    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update().filter(user=None, email__iexact=email).order_by("pk")
        )
        for order in orders:
            order.user = user
            order.save(update_fields=["user", "updated_at"])
            record_event(
                order=order,
                kind=OrderEvent.Kind.LINKED_TO_ACCOUNT,
                actor=email,
                message="Linked to the account that confirmed this email address.",
            )
        return len(orders)
