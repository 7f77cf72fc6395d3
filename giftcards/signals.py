"""What the gift cards announce; the worker listens (it records the email in its outbox)."""

from django.dispatch import Signal

# A card bought with an order was issued: `card`, its `code` (the only time it exists outside
# the buyer's email: the worker keeps it sealed until the email is sent), `order_id`.
gift_card_issued = Signal()
