"""Who asked to hear from the shop, and what they were told: email preferences, back-in-stock
alerts and their batches, carts left behind with a known address and the reminders sent."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField


class Topic(models.TextChoices):
    """The kinds of marketing email a shopper can turn off one by one (or all at once)."""

    BACK_IN_STOCK = "back_in_stock", _("Back-in-stock alerts")
    ABANDONED_CART = "abandoned_cart", _("Reminders of a cart left behind")
    REVIEW_REQUEST = "review_request", _("Requests to review what you bought")


class EmailPreference(models.Model):
    """What one address (a guest's too) accepts. No row: everything allowed."""

    email = models.EmailField(unique=True, help_text=_("Stored in lower case."))
    marketing = models.BooleanField(
        _("any marketing email"), default=True, help_text=_("Off: none of the topics below.")
    )
    back_in_stock = models.BooleanField(_("back-in-stock alerts"), default=True)
    abandoned_cart = models.BooleanField(_("cart reminders"), default=True)
    review_request = models.BooleanField(_("review requests"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def allows(self, topic: str) -> bool:
        return self.marketing and getattr(self, str(topic), True)


class StockAlert(models.Model):
    """One shopper's "email me when it is back" for one variant: emailed once, then closed."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the address to be confirmed")
        CONFIRMED = "confirmed", _("Waiting for stock")
        NOTIFIED = "notified", _("Emailed")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Unsubscribed")

    OPEN = (Status.PENDING, Status.CONFIRMED)

    variant = models.ForeignKey(
        "catalog.Variant", related_name="+", on_delete=models.CASCADE, verbose_name=_("variant")
    )
    email = models.EmailField(help_text=_("Stored in lower case."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    notified_at = models.DateTimeField(null=True, blank=True)
    batch = models.ForeignKey(
        "StockAlertBatch", null=True, blank=True, related_name="alerts", on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("back-in-stock alert")
        verbose_name_plural = _("back-in-stock alerts")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["variant", "status", "confirmed_at"], name="alert_queue"),
            models.Index(fields=["status", "expires_at"], name="alert_expiry"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["variant", "email"],
                condition=Q(status__in=["pending", "confirmed"]),
                name="one_open_alert_per_variant_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} for {self.variant_id} ({self.status})"


class StockAlertBatch(models.Model):
    """One round of back-in-stock emails for a variant, sized to its stock then. Numbered per
    variant: two workers starting the same round meet at the unique number, one goes on."""

    variant = models.ForeignKey("catalog.Variant", related_name="+", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    units = models.PositiveIntegerField(help_text=_("Units to sell when the batch was sent."))
    size = models.PositiveIntegerField(help_text=_("Alerts emailed."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("back-in-stock batch")
        verbose_name_plural = _("back-in-stock batches")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "number"], name="one_batch_per_number")
        ]

    def __str__(self) -> str:
        return f"Batch {self.number} of variant {self.variant_id}: {self.size} emails"


class CartContact(models.Model):
    """A cart with an address to write to: the one typed at checkout, or the signed-in
    shopper's. Never shown on a restore page."""

    cart = models.OneToOneField("cart.Cart", related_name="+", on_delete=models.CASCADE)
    email = models.EmailField()
    country = models.CharField(
        max_length=2, blank=True, help_text=_("The checkout address's; empty if none given.")
    )
    consented = models.BooleanField(
        _("opted in"), default=False, help_text=_("Ticked “email me about my cart” at checkout.")
    )
    language = models.CharField(max_length=16, blank=True)
    checkout_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the checkout's details were last given.")
    )
    episode = models.PositiveIntegerField(
        default=1, help_text=_("Starts again after each order from this cart.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("abandoned cart")
        verbose_name_plural = _("abandoned carts")
        indexes = [models.Index(fields=["email", "checkout_at"], name="contact_checkouts")]

    def __str__(self) -> str:
        return f"Cart {self.cart_id} ({self.email})"


class CartReminder(models.Model):
    """A reminder owed for a cart: at most one per (cart, episode, step)."""

    contact = models.ForeignKey(CartContact, related_name="reminders", on_delete=models.CASCADE)
    episode = models.PositiveIntegerField()
    step = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=40, blank=True, help_text=_("A single-use discount code."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart reminder")
        verbose_name_plural = _("cart reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "episode", "step"], name="one_reminder_per_step"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder {self.step} for cart {self.contact.cart_id}"

    @property
    def reference(self) -> str:
        """The outbox's reference: one email per (cart, episode, step)."""
        return f"cart-{self.contact.cart_id}-{self.episode}-{self.step}"


class CartRecovery(models.Model):
    """A cart restored from a reminder's link, and the order that came of it, if any."""

    reminder = models.ForeignKey(CartReminder, related_name="recoveries", on_delete=models.CASCADE)
    cart = models.ForeignKey(
        "cart.Cart", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    restored_at = models.DateTimeField(auto_now_add=True)
    order = models.OneToOneField(
        "orders.Order", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    revenue = MoneyField(
        max_digits=14,
        decimal_places=3,
        default_currency=settings.SHOP_CURRENCY,
        null=True,
        blank=True,
        help_text=_("The order's total when it was paid."),
    )

    class Meta:
        verbose_name = _("recovered cart")
        verbose_name_plural = _("recovered carts")
        ordering = ["-restored_at"]

    def __str__(self) -> str:
        return f"Cart restored from {self.reminder}"
