"""Orders and their payment: who may see an order (orders/selectors.py), starting its payment
(payments/services.py: one PaymentIntent per order, the amount computed in one place)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field as In
from ninja import Query, Router, Schema

from orders import selectors
from orders import services as order_services
from orders.models import Order
from payments import gateway
from payments import services as payment_services
from payments.exceptions import PaymentNotPossible
from shop.api.errors import COMMON, ApiError, ErrorOut, not_found
from shop.api.schemas import MoneyOut, OrderOut, PaymentOut

logger = logging.getLogger(__name__)

router = Router(tags=["orders"])


def order_out(order: Order) -> dict:
    return {
        "number": order.number,
        "key": selectors.order_key(order),
        "status": order.status,
        "status_text": order.get_status_display(),
        "email": order.email,
        "created_at": order.created_at,
        "paid_at": order.paid_at,
        "reservation_expires_at": order.reservation_expires_at,
        "lines": [
            {
                "sku": line.sku,
                "name": _line_name(line),
                "quantity": line.quantity,
                "unit_price": MoneyOut.of(line.unit_price),
                "line_total": MoneyOut.of(line.line_total),
            }
            for line in order.lines.all()
        ],
        "subtotal": MoneyOut.of(order.subtotal),
        "discount": MoneyOut.of(order.discount_total),
        "shipping": MoneyOut.of(order.shipping_total),
        "tax": MoneyOut.of(order.tax_total),
        "total": MoneyOut.of(order.total),
        "refunded": MoneyOut.of(order.refunded_total),
        "net_paid": MoneyOut.of(order.net_paid),
        "refunds": [
            {
                "created_at": refund.when,
                "amount": MoneyOut.of(refund.amount),
                "reason": refund.reason,
                "lines": [
                    {"sku": line.sku, "name": _line_name(line), "quantity": units}
                    for units, line in refund.items
                ],
            }
            for refund in selectors.refunds_of(order)
        ],
        "shipping_address": {
            "name": order.shipping_name,
            "line1": order.shipping_line1,
            "line2": order.shipping_line2,
            "city": order.shipping_city,
            "postcode": order.shipping_postcode,
            "region": order.shipping_region,
            "country": order.shipping_country,
            "phone": order.shipping_phone,
        },
        "shipping_method": order.shipping_method_name,
        "payment_method": order.payment_method,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "tracking_url": order.tracking_url,
    }


def _line_name(line) -> str:
    return (
        f"{line.product_name} – {line.variant_label}" if line.variant_label else line.product_name
    )


class OrderKey(Schema):
    key: str = In(
        "",
        max_length=200,
        description="The order's key (from placing it, or its emails' links); not needed by "
        "its signed-in owner.",
    )


def _order(request, number: str, key: str) -> Order:
    try:
        return selectors.order_for_caller(user=request.auth.user, number=number, key=key)
    except Http404:
        raise not_found("That order") from None


@router.get(
    "/orders/{number}",
    response={200: OrderOut, **COMMON},
    summary="An order and its status",
    operation_id="order",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "StartPayment": {
                        "operationId": "start_payment",
                        "parameters": {
                            "number": "$response.body#/number",
                            "key": "$response.body#/key",
                        },
                    }
                }
            }
        }
    },
)
def order(request, number: str, access: Query[OrderKey]):
    """An order, to its signed-in owner or to whoever holds its key (anyone else: 404)."""
    found = _order(request, number, access.key)
    if found.hold_ran_out and order_services.expire_if_overdue(order_id=found.pk):
        found.refresh_from_db()
    return order_out(found)


@router.post(
    "/orders/{number}/payment",
    response={200: PaymentOut, **COMMON, 409: ErrorOut, 503: ErrorOut},
    summary="Start (or resume) the order's payment",
    operation_id="start_payment",
)
def start_payment(request, number: str, access: Query[OrderKey]):
    """The order's Stripe PaymentIntent, created once per order (asking again gives the same
    one back while it can still be paid): confirm it with Stripe's SDK using the client secret
    and the publishable key. The order is paid when Stripe says so (its webhook); read the
    order to see it."""
    found = _order(request, number, access.key)
    if found.hold_ran_out and order_services.expire_if_overdue(order_id=found.pk):
        found.refresh_from_db()
    try:
        session = payment_services.start_payment(order_id=found.pk)
    except PaymentNotPossible as error:
        raise ApiError(409, error.code, str(error)) from None
    except gateway.StripeError:
        # The payment page's answer too (payments/views.py): the order is kept, try again.
        logger.exception("Could not start the payment of order %s", found.number)
        raise ApiError(
            503,
            "payment_provider_unavailable",
            _(
                "We could not reach our payment provider. Please try again in a moment; your "
                "order is kept."
            ),
            retry_after=30,
        ) from None
    return {
        "payment_intent_id": session.payment.stripe_payment_intent_id,
        "client_secret": session.client_secret,
        "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
        "amount": MoneyOut.of(session.payment.amount),
        "status": session.payment.status,
    }
