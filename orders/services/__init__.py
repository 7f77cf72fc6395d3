"""Order operations, one module per stage of an order's life. Each is one transaction; locks
are taken in allocation.py's order. Callers use `from orders import services` and the names
below; a new operation goes in the module of its stage and is re-exported here.

- placing.py: the cart becomes an order (frozen prices, stock held, voucher used).
- paying.py: payment and refund bookkeeping (what the payment provider confirmed).
- lifecycle.py: the end of an unpaid order (expiry, cancellation).
- fulfilment.py: shipping, delivery, the confirmation sent again.
- customers.py: guest orders joined to an account; an account closed.
- events.py: the order's log, and flagging an order for the merchant.
"""

from orders.services.customers import anonymise_orders_of, attach_guest_orders
from orders.services.events import flag, record_event
from orders.services.fulfilment import (
    CARRIER_TRACKING_URLS,
    mark_delivered,
    mark_shipped,
    resend_confirmation,
    tracking_url_for,
)
from orders.services.lifecycle import cancel_order, expire_if_overdue, expire_overdue_orders
from orders.services.paying import (
    PaymentOutcome,
    RefundNotice,
    check_refund_lines,
    mark_paid,
    prepaid_left,
    record_payment_method,
    record_refund,
    refund_prepaid,
)
from orders.services.placing import ADDRESS_FIELDS, place_order

__all__ = [
    "ADDRESS_FIELDS",
    "CARRIER_TRACKING_URLS",
    "PaymentOutcome",
    "RefundNotice",
    "anonymise_orders_of",
    "attach_guest_orders",
    "cancel_order",
    "check_refund_lines",
    "expire_if_overdue",
    "expire_overdue_orders",
    "flag",
    "mark_delivered",
    "mark_paid",
    "mark_shipped",
    "place_order",
    "prepaid_left",
    "record_event",
    "record_payment_method",
    "record_refund",
    "refund_prepaid",
    "resend_confirmation",
    "tracking_url_for",
]
