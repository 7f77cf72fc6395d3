"""What the reviews' and wishlists' tests share: a delivered order, written as the shop
writes one (placed, paid, shipped, delivered through the order services)."""

from __future__ import annotations

from orders import services as order_services
from tests.conftest import make_cart, place
from tests.factories import ShippingMethodFactory


def delivered_order(*items, email="buyer@example.com", user=None, deliver=True, shipping=None):
    """An order of (variant, quantity) pairs, paid and shipped, and delivered unless not."""
    shipping = shipping or ShippingMethodFactory()
    order = place(make_cart(*items), shipping, email=email, user=user)
    order_services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_x", actor="t")
    order_services.mark_shipped(order_id=order.pk, carrier="UPS", tracking_number="1Z", actor="t")
    if deliver:
        order_services.mark_delivered(order_id=order.pk, actor="t")
    order.refresh_from_db()
    return order
