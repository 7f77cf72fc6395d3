"""What the catalog announces. Sent inside the transaction that made the change; listeners
that do work outside the database (emails, tasks) defer it with transaction.on_commit."""

from django.dispatch import Signal

# variant_ids: the variants with a stock limit (tracked, no backorders) whose units a shopper
# can buy went from none to some: a restock in the admin or a CSV import
# (services.set_stock_on_hand), or units given back by an expired, cancelled or refunded
# order (orders/allocation.py). The back-in-stock alerts (reminders/) follow it.
stock_returned = Signal()


def announce_returned(variants, before: dict[int, int]) -> None:
    """Send stock_returned for those of `variants` (rows as they are now) that had no units
    to sell in `before` (variant id -> units in stock then) and have some now."""
    returned = sorted(
        v.pk
        for v in variants
        if v.track_stock and not v.allow_backorder and before.get(v.pk, 0) <= 0 < v.in_stock
    )
    if returned:
        stock_returned.send(sender=announce_returned, variant_ids=returned)
