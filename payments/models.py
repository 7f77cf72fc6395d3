from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

MONEY = {"max_digits": 14, "decimal_places": 3, "default_currency": settings.SHOP_CURRENCY}


class Payment(models.Model):
    """One Stripe PaymentIntent for one order. Its status mirrors what Stripe told us last."""

    order = models.ForeignKey("orders.Order", related_name="payments", on_delete=models.PROTECT)
    stripe_payment_intent_id = models.CharField(max_length=255, unique=True)
    amount = MoneyField(**MONEY)
    status = models.CharField(max_length=40, default="requires_payment_method")
    last_error = models.TextField(blank=True)
    stripe_charge_id = models.CharField(max_length=255, blank=True, db_index=True)
    amount_refunded = MoneyField(default=0, **MONEY)
    dispute_status = models.CharField(max_length=40, blank=True)
    # The card, as Stripe describes it once paid (payments/services.describe_card).
    stripe_payment_method_id = models.CharField(max_length=255, blank=True)
    card_brand = models.CharField(max_length=20, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    # `created` of the last Stripe event applied: an older event arriving late is stale.
    last_event_created = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # Never give back more than the payment took, whatever code runs.
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0) & Q(amount_refunded__lte=F("amount")),
                name="payment_refunds_within_amount",
            )
        ]

    def __str__(self) -> str:
        return f"{self.stripe_payment_intent_id} ({self.status})"

    @property
    def refundable(self):
        """What can still be refunded: the payment less refunds made or under way."""
        pending = sum(
            (r.amount for r in self.refunds.all() if r.status == Refund.Status.PENDING),
            self.amount * 0,
        )
        return self.amount - self.amount_refunded - pending


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


class Refund(models.Model):
    """Money given back on a payment: asked by the merchant, made automatically, or found at
    Stripe (a refund from the dashboard). Recorded before Stripe is asked, so a crash between
    the two leaves a pending row that Stripe's `charge.refunded` event completes."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    payment = models.ForeignKey(Payment, related_name="refunds", on_delete=models.PROTECT)
    order = models.ForeignKey("orders.Order", related_name="refunds", on_delete=models.PROTECT)
    amount = MoneyField(**MONEY)
    reason = models.TextField(blank=True)
    lines = models.JSONField(default=dict, blank=True, help_text=_("Order line id → units."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=255, unique=True)
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    actor = models.CharField(max_length=200, blank=True)
    automatic = models.BooleanField(default=False)
    failure_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="refund_positive")]

    def __str__(self) -> str:
        return f"Refund {self.stripe_refund_id or self.pk} of {self.amount} ({self.status})"
