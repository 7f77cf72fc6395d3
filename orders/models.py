from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from djmoney.models.fields import MoneyField

from orders.countries import COUNTRIES

MONEY = {"max_digits": 14, "decimal_places": 3, "default_currency": settings.SHOP_CURRENCY}


class ShippingMethod(models.Model):
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=200, blank=True)
    price = MoneyField(**MONEY)
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.price})"


def new_order_number() -> str:
    # No 0/O/1/I: numbers are read out on the phone.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(8))


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"
        REFUNDED = "refunded", "Refunded"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"

    number = models.CharField(max_length=16, unique=True, default=new_order_number, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="orders",
        on_delete=models.SET_NULL,
    )
    cart = models.ForeignKey(
        "cart.Cart", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    checkout_token = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    email = models.EmailField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    currency = models.CharField(max_length=3)
    subtotal = MoneyField(**MONEY)
    shipping_total = MoneyField(**MONEY)
    total = MoneyField(**MONEY)

    shipping_name = models.CharField(max_length=200)
    shipping_line1 = models.CharField(max_length=200)
    shipping_line2 = models.CharField(max_length=200, blank=True)
    shipping_city = models.CharField(max_length=100)
    shipping_postcode = models.CharField(max_length=20)
    shipping_country = models.CharField(max_length=2, choices=COUNTRIES)
    shipping_phone = models.CharField(max_length=40, blank=True)
    shipping_method_name = models.CharField(max_length=100)

    reservation_expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    needs_attention = models.BooleanField(
        default=False, help_text="Something the merchant must look at (see the event log)."
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_currency=models.F("currency")),
                name="order_total_in_order_currency",
            ),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"number": self.number})

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.PENDING_PAYMENT

    @property
    def is_paid(self) -> bool:
        return self.status in (
            self.Status.PAID,
            self.Status.SHIPPED,
            self.Status.DELIVERED,
            self.Status.PARTIALLY_REFUNDED,
        )


class OrderLine(models.Model):
    """A line frozen at checkout: names and prices do not follow later catalog edits."""

    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey(
        "catalog.Variant", null=True, related_name="+", on_delete=models.SET_NULL
    )
    product_name = models.CharField(max_length=200)
    variant_label = models.CharField(max_length=200)
    sku = models.CharField(max_length=64)
    unit_price = MoneyField(**MONEY)
    quantity = models.PositiveIntegerField()
    line_total = MoneyField(**MONEY)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name} ({self.variant_label})"


class OrderEvent(models.Model):
    """The order's history: who did what, when. Written by every change of state."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(max_length=40)
    message = models.TextField()
    actor = models.CharField(max_length=200, blank=True, help_text="Who: a user, stripe, system.")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class Reservation(models.Model):
    """Units of a variant held for an unpaid order until `expires_at`."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        RELEASED = "released", "Released"
        COMMITTED = "committed", "Committed (sold)"

    order = models.ForeignKey(Order, related_name="reservations", on_delete=models.CASCADE)
    variant = models.ForeignKey("catalog.Variant", related_name="+", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["order", "variant"], name="one_reservation_per_line"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_positive"),
        ]
        indexes = [models.Index(fields=["state", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.quantity} × variant {self.variant_id} for {self.order_id} ({self.state})"
