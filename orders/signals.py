"""What orders announce. Sent inside the transaction that made the change; listeners that do
work outside the database (emails) must defer it with transaction.on_commit."""

from django.dispatch import Signal

# order: the Order just marked paid.
order_paid = Signal()

# order: the Order; refund: a RefundNotice (amount, reference, reason, automatic).
order_refunded = Signal()

# order: the Order just marked shipped (carrier, tracking number and link on it).
order_shipped = Signal()

# order: the unpaid Order whose stock hold ran out.
order_expired = Signal()

# order: the Order; kind: which email the merchant asked to send again ("order_confirmation").
email_requested = Signal()
