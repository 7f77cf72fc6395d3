"""What the reminders ask for. The worker's outbox records each email (worker/receivers.py);
reminders cannot import the worker, so the outbox takes these kinds' values from here, as it
takes the orders' from orders.signals.RequestedEmail."""

import enum

from django.dispatch import Signal


class ReminderEmail(enum.StrEnum):
    BACK_IN_STOCK_CONFIRM = "back_in_stock_confirm"  # the double opt-in: "confirm your alert"
    BACK_IN_STOCK = "back_in_stock"
    ABANDONED_CART = "abandoned_cart"


# kind: a ReminderEmail; reference: what makes it one email (the outbox's unique kind and
# reference: a second request for the same is nothing); recipient: one address; data: what
# the email shows (JSON), "language" among it. Sent inside the transaction that decided it.
email_requested = Signal()
