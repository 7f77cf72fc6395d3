from django.db import models


class OutboxEmail(models.Model):
    """An email the shop owes somebody. One row per (order, kind, reference): a retried or
    repeated task finds it already sent and does nothing. `reference` tells apart the emails
    an order can get more than once (each refund)."""

    class Kind(models.TextChoices):
        ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"
        ORDER_REFUNDED = "order_refunded", "Refund"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    order = models.ForeignKey("orders.Order", related_name="emails", on_delete=models.CASCADE)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    reference = models.CharField(max_length=255, blank=True, default="")
    data = models.JSONField(default=dict, blank=True, help_text="What the template shows.")
    recipient = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "reference"], name="one_email_per_order_kind_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.order_id} to {self.recipient} ({self.status})"
