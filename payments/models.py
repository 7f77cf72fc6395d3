from django.conf import settings
from django.db import models
from djmoney.models.fields import MoneyField


class Payment(models.Model):
    """One Stripe PaymentIntent for one order. Its status mirrors what Stripe told us last."""

    order = models.ForeignKey("orders.Order", related_name="payments", on_delete=models.PROTECT)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True)
    amount = MoneyField(max_digits=14, decimal_places=3, default_currency=settings.SHOP_CURRENCY)
    status = models.CharField(max_length=40, default="requires_payment_method")
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.stripe_payment_intent_id} ({self.status})"


class StripeEvent(models.Model):
    """Every webhook event we accepted, stored before it is applied; its id makes repeats no-ops."""

    stripe_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    livemode = models.BooleanField(default=False)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
