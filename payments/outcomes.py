"""What applying a Stripe event (or a PaymentIntent we fetched) came to: one vocabulary for the
event store (StripeEvent.result, the webhook's answer, the replay and fetch commands' tallies)
and for the webhook metric's `outcome` label."""

from __future__ import annotations

import enum


class WebhookOutcome(enum.StrEnum):
    # the event store's own answers
    DUPLICATE = "duplicate"  # delivered before; nothing done
    IGNORED = "ignored"  # a type we do not handle
    MALFORMED = "malformed"  # refused before it was stored (fetch command)
    ERROR = "error"  # applying it failed (replay and fetch commands)
    REFUSED = "refused"  # bad signature or body (metrics only: never stored)
    # a PaymentIntent's news
    STALE = "stale"  # older than what we know, or after a final state
    UNKNOWN_PAYMENT_INTENT = "unknown_payment_intent"
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    AMOUNT_MISMATCH = "amount_mismatch"
    NOT_PAYABLE = "not_payable"
    STOCK_GONE_REFUNDED = "stock_gone_refunded"
    STOCK_GONE_REFUND_FAILED = "stock_gone_refund_failed"
    PAYMENT_FAILED = "payment_failed"
    PAYMENT_CANCELED = "payment_canceled"
    PAYMENT_PROCESSING = "payment_processing"
    STATUS = "status"  # written status_<Stripe status>: nothing to do for the order
    # charges and disputes
    UNKNOWN_PAYMENT = "unknown_payment"
    REFUNDS_SYNCED = "refunds_synced"  # written refunds_synced_<how many changed>
    DISPUTE_OPENED = "dispute_opened"
    DISPUTE_CLOSED = "dispute_closed"

    def detailed(self, detail: object) -> str:
        """The stored result of an outcome that carries a detail: status_processing,
        refunds_synced_1."""
        return f"{self.value}_{detail}"

    @classmethod
    def of(cls, result: str) -> WebhookOutcome:
        """The outcome a stored result names (a detailed one by its prefix)."""
        try:
            return cls(result)
        except ValueError:
            for detailed in (cls.STATUS, cls.REFUNDS_SYNCED):
                if result.startswith(f"{detailed.value}_"):
                    return detailed
            raise

    @property
    def metric_label(self) -> str:
        """The few outcomes an operator alerts on keep their name; the rest were applied."""
        return self.value if self in METRIC_OUTCOMES else "applied"


METRIC_OUTCOMES = frozenset(
    {WebhookOutcome.DUPLICATE, WebhookOutcome.STALE, WebhookOutcome.IGNORED, WebhookOutcome.REFUSED}
)
