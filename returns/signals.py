"""What returns announce. Sent inside the transaction that made the change; the worker listens
(no app imports the worker) and owes the shopper an email per (return, step)."""

import enum

from django.dispatch import Signal


class ReturnEmail(enum.StrEnum):
    """The email about a return's step; the worker's outbox takes its kind from here."""

    RETURN_UPDATE = "return_update"


# return_request: the ReturnRequest; step: the status it reached (or "refund_failed",
# "exchange_shipped", "difference_payment"); data: what the email shows beyond the return.
return_changed = Signal()
