from django.dispatch import Signal

# Sent inside the transaction that changed a shopper's market (request, market); a receiver
# returns a list of notes for the shopper (the cart: which lines it re-priced or removed).
market_changed = Signal()
