"""Starting an order's payment in the API (payments/services.py: one PaymentIntent per
order, the amount computed in one place)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Query, Router

from orders import checkout as checkout_rules
from orders.api import OrderKey, find_order
from payments import gateway
from payments import services as payment_services
from payments.exceptions import PaymentNotPossible
from payments.schemas import PaymentOut
from shop.api.errors import COMMON, ApiError, ErrorOut
from shop.api.schemas import MoneyOut

logger = logging.getLogger(__name__)

router = Router(tags=["orders"])


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
    found = checkout_rules.order_as_of_now(order=find_order(request, number, access.key))
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
