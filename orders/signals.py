"""What orders announce. Sent inside the transaction that made the change; listeners that do
work outside the database (emails) must defer it with transaction.on_commit."""

import enum

from django.dispatch import Signal

# order: the Order just marked paid.
order_paid = Signal()

# order: the Order; refund: a RefundNotice (amount, reference, reason, automatic).
order_refunded = Signal()

# order: the Order just marked shipped (carrier, tracking number and link on it).
order_shipped = Signal()

# order: the Order just marked delivered (delivered_at set): the reviews' email waits on it.
order_delivered = Signal()

# order: the unpaid Order whose stock hold ran out.
order_expired = Signal()


class RequestedEmail(enum.StrEnum):
    """The emails orders may ask for by name (email_requested). The worker's outbox takes its
    kinds' values from here (worker/models.py: OutboxEmail.Kind), since orders cannot import
    the worker."""

    ORDER_CONFIRMATION = "order_confirmation"


# order: the Order; kind: a RequestedEmail (which email the merchant asked to send again).
email_requested = Signal()


# cart: the Cart being checked out; email and country: what the shopper typed (the address's
# country); marketing_opt_in: whether they ticked "email me about my cart"; user: the shopper
# (perhaps anonymous); language: the page's language. Sent each time the checkout's details
# are given; the abandoned-cart reminders (reminders/) keep them.
checkout_details_given = Signal()
