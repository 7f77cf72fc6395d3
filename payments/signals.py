"""What payments announce. Sent inside the transaction that recorded it."""

from django.dispatch import Signal

# order: the Order; message: Stripe's words for the shopper. Sent once per failed attempt.
payment_failed = Signal()
# payment: the Payment, just succeeded. Its card is described afterwards (describe_card).
payment_succeeded = Signal()
