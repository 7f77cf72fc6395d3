"""Fulfilment: shipping, delivery and the confirmation email sent again."""

from __future__ import annotations

from urllib.parse import quote

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.exceptions import FulfilmentError
from orders.models import Order, OrderEvent
from orders.services.events import record_event
from orders.signals import (
    RequestedEmail,
    email_requested,
    order_delivered,
    order_shipped,
)

CARRIER_TRACKING_URLS = {
    "ups": "https://www.ups.com/track?tracknum={number}",
    "usps": "https://tools.usps.com/go/TrackConfirmAction?tLabels={number}",
    "fedex": "https://www.fedex.com/fedextrack/?trknbr={number}",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html?tracking-id={number}",
    "royal mail": "https://www.royalmail.com/track-your-item#/tracking-results/{number}",
}


def tracking_url_for(carrier: str, number: str) -> str:
    template = CARRIER_TRACKING_URLS.get(carrier.strip().lower())
    return template.format(number=quote(number.strip())) if template and number.strip() else ""


def mark_shipped(
    *, order_id: int, carrier: str, tracking_number: str, actor: str, tracking_url: str = ""
) -> Order:
    """The parcel left: record carrier and tracking, and tell the shopper (once)."""
    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier:
        raise FulfilmentError(_("Enter the carrier."))
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == Order.Status.SHIPPED:
            return order
        if not order.can_move_to(Order.Status.SHIPPED):
            raise FulfilmentError(
                _("Order %(number)s cannot be shipped: it is %(status)s.")
                % {"number": order.number, "status": order.get_status_display().lower()}
            )
        order.move_to(Order.Status.SHIPPED)
        order.carrier = carrier
        order.tracking_number = tracking_number
        order.tracking_url = tracking_url.strip() or tracking_url_for(carrier, tracking_number)
        order.shipped_at = timezone.now()
        order.save(
            update_fields=[
                "status",
                "carrier",
                "tracking_number",
                "tracking_url",
                "shipped_at",
                "updated_at",
            ]
        )
        record_event(
            order=order,
            kind=OrderEvent.Kind.SHIPPED,
            actor=actor,
            message=f"Shipped with {carrier}"
            + (f", tracking number {tracking_number}." if tracking_number else "."),
        )
        order_shipped.send(sender=Order, order=order)
        return order


def mark_delivered(*, order_id: int, actor: str) -> Order:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == Order.Status.DELIVERED:
            return order
        if not order.can_move_to(Order.Status.DELIVERED):
            raise FulfilmentError(
                _("Order %(number)s cannot be marked delivered: it is %(status)s.")
                % {"number": order.number, "status": order.get_status_display().lower()}
            )
        order.move_to(Order.Status.DELIVERED)
        order.delivered_at = timezone.now()
        order.save(update_fields=["status", "delivered_at", "updated_at"])
        record_event(order=order, kind=OrderEvent.Kind.DELIVERED, actor=actor, message="Delivered.")
        order_delivered.send(sender=Order, order=order)
        return order


def resend_confirmation(*, order_id: int, actor: str) -> Order:
    """The merchant sends the confirmation again (the shopper lost it): a new email, logged."""
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if not order.is_paid:
            raise FulfilmentError(
                _("Order %(number)s is not paid; there is nothing to confirm.")
                % {"number": order.number}
            )
        event = record_event(
            order=order,
            kind=OrderEvent.Kind.CONFIRMATION_RESENT,
            actor=actor,
            message=f"Confirmation email sent again to {order.email}.",
        )
        email_requested.send(
            sender=Order,
            order=order,
            kind=RequestedEmail.ORDER_CONFIRMATION,
            reference=f"resend-{event.pk}",
        )
        return order
