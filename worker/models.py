from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orders.signals import RequestedEmail
from reminders.signals import ReminderEmail
from returns.signals import ReturnEmail


class OutboxEmail(models.Model):
    """An email the shop owes somebody, recorded in the transaction that caused it.

    One row per (order, kind, reference): a retried or repeated task finds it already sent and
    does nothing. `reference` tells apart the emails an order can get more than once (each
    refund, each resend); the merchant's digests have no order and one row per day."""

    class Kind(models.TextChoices):
        ORDER_CONFIRMATION = str(RequestedEmail.ORDER_CONFIRMATION), "Order confirmation"
        PAYMENT_FAILED = "payment_failed", "Payment failed"
        ORDER_SHIPPED = "order_shipped", "Shipped"
        ORDER_REFUNDED = "order_refunded", "Refund"
        ORDER_EXPIRED = "order_expired", "Order expired"
        LOW_STOCK_DIGEST = "low_stock_digest", "Low-stock digest"
        REVIEW_REQUEST = "review_request", "Review what you bought"
        BACK_IN_STOCK_CONFIRM = str(ReminderEmail.BACK_IN_STOCK_CONFIRM), "Confirm a stock alert"
        BACK_IN_STOCK = str(ReminderEmail.BACK_IN_STOCK), "Back in stock"
        ABANDONED_CART = str(ReminderEmail.ABANDONED_CART), "Abandoned cart"
        GIFT_CARD = "gift_card", "Gift card"
        RETURN_UPDATE = str(ReturnEmail.RETURN_UPDATE), "Return"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        SKIPPED = "skipped", "Skipped (no longer true, or the recipient opted out)"

    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, related_name="emails", on_delete=models.CASCADE
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    reference = models.CharField(max_length=255, blank=True, default="")
    data = models.JSONField(default=dict, blank=True, help_text=_("What the template shows."))
    recipient = models.CharField(
        max_length=1000, help_text=_("One address, or several with commas.")
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    send_after = models.DateTimeField(
        null=True, blank=True, help_text=_("Not sent before this time (a reminder waits).")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "send_after"], name="outbox_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "reference"],
                condition=Q(order__isnull=False),
                name="one_email_per_order_kind_reference",
            ),
            models.UniqueConstraint(
                fields=["kind", "reference"],
                condition=Q(order__isnull=True),
                name="one_shop_email_per_kind_reference",
            ),
        ]

    def __str__(self) -> str:
        about = f"order {self.order_id}" if self.order_id else self.reference
        return f"{self.get_kind_display()} for {about} to {self.recipient} ({self.status})"

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.recipient.split(",") if address.strip()]
