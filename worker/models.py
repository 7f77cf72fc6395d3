from django.db import models


class OutboxEmail(models.Model):
    """An email the shop owes somebody. One row per (order, kind): a retried or repeated task
    finds it already sent and does nothing."""

    class Kind(models.TextChoices):
        ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    order = models.ForeignKey("orders.Order", related_name="emails", on_delete=models.CASCADE)
    kind = models.CharField(max_length=40, choices=Kind.choices)
    recipient = models.EmailField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="one_email_per_order_and_kind")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.order_id} to {self.recipient} ({self.status})"
