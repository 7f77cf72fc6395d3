"""Promotions a merchant runs: automatic ones and codes, what each gives, on what, when and
how often. Amounts are per currency (PromotionPrice, PromotionTier), never converted: an amount
off that has no row in the cart's currency does not apply there. A use is counted
(PromotionUse) when an order is placed, under the promotion's row lock, and given back when an
unpaid order ends. The rules that apply them are in promotions/engine.py."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from markets.models import validate_currency
from promotions import engine


class PromotionQuerySet(models.QuerySet):
    def running(self, now=None):
        """Switched on and inside their date window now."""
        now = now or timezone.now()
        return self.filter(
            Q(starts_at__isnull=True) | Q(starts_at__lte=now),
            Q(ends_at__isnull=True) | Q(ends_at__gt=now),
            is_active=True,
        )


class Promotion(models.Model):
    class Kind(models.TextChoices):
        ITEMS_PERCENT = engine.ITEMS_PERCENT, _("Percentage off items")
        ITEMS_AMOUNT = engine.ITEMS_AMOUNT, _("Amount off each item")
        BUY_X_GET_Y = engine.BUY_X_GET_Y, _("Buy X, get Y")
        ORDER_TIERS = engine.ORDER_TIERS, _("Off the order (tiers)")
        FREE_SHIPPING = engine.FREE_SHIPPING, _("Free shipping")

    name = models.CharField(_("name"), max_length=120, help_text=_("Shown to shoppers."))
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Empty: automatic. Else shoppers type it at checkout (any case)."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Higher wins a tie between equal discounts.")
    )
    percent = models.DecimalField(
        _("percent off"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Items: the percentage off. Buy X get Y: off each Y item (100: free)."),
    )
    buy_quantity = models.PositiveIntegerField(_("buy (X)"), default=1)
    get_quantity = models.PositiveIntegerField(_("get (Y)"), default=1)
    shipping_methods = models.ManyToManyField(
        "orders.ShippingMethod",
        blank=True,
        related_name="+",
        verbose_name=_("shipping methods"),
        help_text=_("Free shipping: only for these methods; none chosen: every method."),
    )
    combines_with_product = models.BooleanField(_("combines with item discounts"), default=False)
    combines_with_order = models.BooleanField(_("combines with order discounts"), default=False)
    combines_with_shipping = models.BooleanField(_("combines with free shipping"), default=True)
    usage_limit = models.PositiveIntegerField(
        _("uses in total"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, help_text=_("By email; empty: no limit.")
    )
    per_order_limit = models.PositiveIntegerField(
        _("per order"),
        null=True,
        blank=True,
        help_text=_("Items discounted (or sets, for buy X get Y) in one order; empty: all."),
    )
    signed_in_only = models.BooleanField(_("signed-in customers only"), default=False)
    first_order_only = models.BooleanField(_("first order only"), default=False)
    min_quantity = models.PositiveIntegerField(
        _("minimum quantity"),
        null=True,
        blank=True,
        help_text=_("Items (of the chosen ones, for item discounts) the cart must hold."),
    )
    email_domains = models.CharField(
        _("email domains"),
        max_length=200,
        blank=True,
        help_text=_("Only customers with these email domains, comma-separated; empty: all."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PromotionQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "pk"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="promotion_percent_between_0_and_100",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True)
                | Q(starts_at__isnull=True)
                | Q(ends_at__gt=models.F("starts_at")),
                name="promotion_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.code else self.name

    def save(self, *args, **kwargs):
        self.code = (self.code or "").strip().upper() or None
        super().save(*args, **kwargs)

    def clean(self):
        # A missing value must never become "100 % off" nor "nothing": say what is missing.
        needs_percent = self.kind in (self.Kind.ITEMS_PERCENT, self.Kind.BUY_X_GET_Y)
        if needs_percent and self.percent is None:
            raise ValidationError({"percent": _("Give the percentage off.")})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A promotion must end after it starts.")})

    @property
    def klass(self) -> str:
        return engine.CLASS_OF[self.kind]

    @property
    def domains(self) -> frozenset[str]:
        return frozenset(
            d.strip().lstrip("@").lower() for d in self.email_domains.split(",") if d.strip()
        )

    def label_in(self, currency: str) -> str:
        """What it is, for the checkout's discount line: its name."""
        return self.name


class PromotionPrice(models.Model):
    """A promotion's amounts in one currency: the amount off each item, the minimum order, the
    budget. Without a row in the cart's currency, an amount-off does not apply there."""

    promotion = models.ForeignKey(Promotion, related_name="prices", on_delete=models.CASCADE)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    amount_off = models.DecimalField(
        _("amount off each item"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    min_subtotal = models.DecimalField(
        _("minimum order"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Goods after item discounts; for order discounts and free shipping."),
    )
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The most it may give away in this currency, in all orders."),
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("amounts in a currency")
        verbose_name_plural = _("amounts per currency")
        constraints = [
            models.UniqueConstraint(
                fields=["promotion", "currency"], name="one_promotion_price_per_currency"
            ),
            models.CheckConstraint(
                condition=Q(amount_off__isnull=True) | Q(amount_off__gte=0),
                name="promotion_amount_off_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.promotion_id}: {self.currency}"


class PromotionTier(models.Model):
    """Spend `threshold` (goods after item discounts), get `percent` or `amount` off the order:
    the highest tier met applies, never the sum."""

    promotion = models.ForeignKey(Promotion, related_name="tiers", on_delete=models.CASCADE)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    threshold = models.DecimalField(
        _("from"), max_digits=14, decimal_places=3, default=0, validators=[MinValueValidator(0)]
    )
    percent = models.DecimalField(
        _("percent off"),
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = models.DecimalField(
        _("amount off"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["currency", "threshold"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["promotion", "currency", "threshold"], name="one_tier_per_threshold"
            ),
            # Exactly one of percent and amount: a tier with neither is no discount at all.
            models.CheckConstraint(
                condition=(Q(percent__isnull=True) & Q(amount__isnull=False))
                | (Q(percent__isnull=False) & Q(amount__isnull=True)),
                name="tier_percent_or_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.threshold} {self.currency}"

    def clean(self):
        if (self.percent is None) == (self.amount is None):
            raise ValidationError(_("Give either a percentage or an amount off."))


class PromotionTarget(models.Model):
    """An item, product or category a promotion is about: what it discounts (`get`), or for
    buy X get Y the items to buy (`buy`)."""

    class Role(models.TextChoices):
        GET = "get", _("Discounted")
        BUY = "buy", _("To buy (X)")

    promotion = models.ForeignKey(Promotion, related_name="targets", on_delete=models.CASCADE)
    role = models.CharField(_("role"), max_length=3, choices=Role.choices, default=Role.GET)
    variant = models.ForeignKey(
        "catalog.Variant", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(variant__isnull=False, product__isnull=True, category__isnull=True)
                    | Q(variant__isnull=True, product__isnull=False, category__isnull=True)
                    | Q(variant__isnull=True, product__isnull=True, category__isnull=False)
                ),
                name="target_is_one_thing",
            )
        ]

    def __str__(self) -> str:
        kind, pk = self.as_key()
        return f"{self.role} {kind} {pk}"

    def clean(self):
        if sum(x is not None for x in (self.variant_id, self.product_id, self.category_id)) != 1:
            raise ValidationError(_("Choose one item, product or category."))

    def as_key(self) -> tuple[str, int]:
        if self.variant_id:
            return ("variant", self.variant_id)
        if self.product_id:
            return ("product", self.product_id)
        return ("category", self.category_id)


class PromotionUse(models.Model):
    """A promotion used by an order, with what it gave. Written when the order is placed
    (under the promotion's row lock); deleted when the unpaid order expires or is cancelled,
    so the use counts again."""

    promotion = models.ForeignKey(Promotion, related_name="uses", on_delete=models.PROTECT)
    order = models.ForeignKey(
        "orders.Order", related_name="promotion_uses", on_delete=models.CASCADE
    )
    email = models.EmailField()
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=14, decimal_places=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["promotion", "order"], name="one_use_per_order"),
        ]
        indexes = [models.Index(fields=["promotion", "email"])]

    def __str__(self) -> str:
        return f"{self.promotion_id} on {self.order_id}"
