from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Cart(models.Model):
    """A shopper's cart: a session's (user empty) or a signed-in user's (one open per user)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="carts",
        on_delete=models.CASCADE,
    )
    # The API's key to the cart (an app's or another frontend's guest): made on first use
    # through the API, never for a cart only the pages know.
    token = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # The currency its lines are priced in, from the shopper's market when it was made; empty:
    # the shop's own (SHOP_CURRENCY). Changed only by cart.services.switch_market, which
    # re-prices every line: a cart never mixes currencies.
    currency = models.CharField(max_length=3, blank=True, default="")
    in_checkout = models.BooleanField(
        default=False, help_text=_("An order placed from this cart is awaiting payment.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="one_cart_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"Cart {self.pk}" + (f" of {self.user}" if self.user_id else "")

    @property
    def currency_code(self) -> str:
        return self.currency or settings.SHOP_CURRENCY


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, related_name="lines", on_delete=models.CASCADE)
    variant = models.ForeignKey("catalog.Variant", related_name="+", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField()
    # For a gift card (Product.is_gift_card): who it is for and when to send it
    # (recipient_email, sender_name, message, send_on), copied onto the order line.
    gift_card = models.JSONField(default=dict, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="one_line_per_variant"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.variant_id}"
