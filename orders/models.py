"""The orders' data and its invariants: what an order is priced with (shipping methods and
rates, tax rates, vouchers), the order with its lines, log and stock holds, and the life of an
order (Order.Status, TRANSITIONS, Order.move_to). One concern, the orders' tables, kept in one
module past 400 lines as Django keeps an app's models together."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from moneyed import Money

from markets.models import validate_currency
from orders import regions
from orders.countries import COUNTRIES
from orders.exceptions import OrderStatusError
from shop.money import as_text

MONEY = {"max_digits": 14, "decimal_places": 3, "default_currency": settings.SHOP_CURRENCY}


class ShippingMethod(models.Model):
    """A way to ship. With country rates it ships only to those countries, at those prices;
    without, everywhere at `price`. Free at or above `free_over` (goods after discount)."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=200, blank=True)
    price = MoneyField(**MONEY, help_text=_("The price where no country rate applies."))
    free_over = MoneyField(
        **MONEY,
        null=True,
        blank=True,
        help_text=_("Free shipping for orders of at least this much (after discounts)."),
    )
    is_active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    def _rates(self) -> list[ShippingRate]:
        return list(self.rates.all()) if self.pk else []

    def ships_to(self, country: str) -> bool:
        rates = self._rates()
        return not rates or any(r.country == country for r in rates)

    def price_in(self, currency: str, country: str = "") -> ShippingMethodPrice | None:
        """The merchant's price (and free-over threshold) in a market's currency other than
        the shop's: the country's own row, else the row for every country; None: this method
        is not offered there in that currency."""
        if not self.pk:
            return None
        rows = [p for p in self.currency_prices.all() if p.currency == currency]
        own = next((p for p in rows if country and p.country == country), None)
        return own or next((p for p in rows if not p.country), None)

    def price_for(self, *, country: str, goods: Money) -> Money | None:
        """What shipping costs to `country` for `goods` worth of items; None if we don't
        ship there with this method. Uses prefetched rates when present. In a currency other
        than the shop's, the method's price in that currency (ShippingMethodPrice): the
        country's own, else the one for every country it ships to; nothing is converted."""
        rates = self._rates()
        if goods.currency.code != self.price.currency.code:
            if not self.ships_to(country):
                return None
            own = self.price_in(goods.currency.code, country)
            if own is None:
                return None
            if own.free_over is not None and goods.amount >= own.free_over:
                return Money(0, own.currency)
            return Money(own.price, own.currency)
        if rates:
            rate = next((r for r in rates if r.country == country), None)
            if rate is None:
                return None
            price = rate.price
        else:
            price = self.price
        if self.free_over is not None and goods >= self.free_over:
            return Money(0, price.currency)
        return price


class ShippingMethodPrice(models.Model):
    """A shipping method's price and free-over threshold in another market's currency: for
    every country the method ships to, or for one of them (a country rate in that currency,
    which wins over the row for every country)."""

    method = models.ForeignKey(
        ShippingMethod, related_name="currency_prices", on_delete=models.CASCADE
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    country = models.CharField(
        _("country"),
        max_length=2,
        choices=COUNTRIES,
        blank=True,
        default="",
        help_text=_("Empty: every country the method ships to."),
    )
    price = models.DecimalField(
        _("price"), max_digits=14, decimal_places=3, validators=[MinValueValidator(0)]
    )
    free_over = models.DecimalField(
        _("free over"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Free shipping for orders of at least this much, in this currency."),
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("price in another currency")
        verbose_name_plural = _("prices in other currencies")
        constraints = [
            models.UniqueConstraint(
                fields=["method", "currency", "country"],
                name="one_shipping_price_per_currency_and_country",
            ),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="shipping_currency_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        where = f" to {self.country}" if self.country else ""
        return f"{self.method_id}{where}: {self.price} {self.currency}"


class ShippingRate(models.Model):
    method = models.ForeignKey(ShippingMethod, related_name="rates", on_delete=models.CASCADE)
    country = models.CharField(max_length=2, choices=COUNTRIES)
    price = MoneyField(**MONEY)

    class Meta:
        ordering = ["country"]
        constraints = [
            models.UniqueConstraint(fields=["method", "country"], name="one_rate_per_country")
        ]

    def __str__(self) -> str:
        return f"{self.method.name} to {self.country}: {self.price}"


class TaxRate(models.Model):
    """Sales tax or VAT for a country, or for one region of it (a US state, say)."""

    country = models.CharField(max_length=2, choices=COUNTRIES)
    region = models.CharField(
        max_length=100,
        blank=True,
        help_text=_(
            "Empty: the whole country. Else one of its regions (ISO 3166-2, e.g. "
            "US-NY), as shoppers choose it in their address."
        ),
    )
    # No default: a default would be copied to each language's column (modeltranslation),
    # and a German page would read "Tax" where the merchant wrote only the English "VAT".
    name = models.CharField(max_length=40, help_text=_("Shown to shoppers: VAT, GST…"))
    rate = models.DecimalField(
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("A fraction: 0.2 is 20%, 0.08875 is 8.875%."),
    )

    class Meta:
        ordering = ["country", "region"]
        constraints = [
            models.UniqueConstraint(fields=["country", "region"], name="one_tax_rate_per_place"),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lte=1), name="tax_rate_between_0_and_1"
            ),
        ]

    def __str__(self) -> str:
        where = regions.name_of(self.region) if self.region else self.get_country_display()
        return f"{self.name} {self.rate * 100:.2f}% ({where})"

    def clean(self):
        if self.region and not regions.is_region_of(self.region, self.country):
            raise ValidationError(
                {"region": f"{self.region} is not a region of {self.get_country_display()}."}
            )


class Voucher(models.Model):
    class Kind(models.TextChoices):
        PERCENTAGE = "percentage", _("Percentage off")
        FIXED = "fixed", _("Fixed amount off")

    code = models.CharField(
        max_length=40,
        unique=True,
        help_text=_("Stored in capitals; shoppers may type it in any case."),
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    value = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        validators=[MinValueValidator(0)],
        help_text=_("Percent (e.g. 10) or an amount in the shop's currency."),
    )
    minimum_order = MoneyField(
        **MONEY, null=True, blank=True, help_text=_("Needs at least this much in the cart.")
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    usage_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Uses in total; empty for no limit.")
    )
    per_customer_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Uses per customer (by email); empty for no limit.")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="percentage") | Q(value__lte=100),
                name="voucher_percentage_at_most_100",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)

    def terms_in(self, currency: str) -> VoucherPrice | None:
        """The fixed amount and minimum order in a currency: the voucher's own in the shop's
        currency, a VoucherPrice row in another; None when it has none there (a fixed amount
        or a minimum not set in that currency: the code is not valid in that market)."""
        if currency == self.value_currency:
            return VoucherPrice(
                voucher=self,
                currency=currency,
                value=self.value if self.kind == self.Kind.FIXED else None,
                minimum_order=None if self.minimum_order is None else self.minimum_order.amount,
            )
        own = next((p for p in self.currency_prices.all() if p.currency == currency), None)
        if own is not None:
            return own
        if self.kind == self.Kind.PERCENTAGE and self.minimum_order is None:
            return VoucherPrice(voucher=self, currency=currency)
        return None

    @property
    def value_currency(self) -> str:
        """The currency of `value` (fixed amounts) and `minimum_order`: the shop's."""
        return settings.SHOP_CURRENCY

    @property
    def label(self) -> str:
        if self.kind == self.Kind.PERCENTAGE:
            return _("%(percent)s%% off") % {"percent": f"{self.value.normalize():f}"}
        return _("%(amount)s off") % {"amount": as_text(self.value)}

    def label_in(self, currency: str) -> str:
        """The label with the fixed amount in `currency` (the one set for it)."""
        terms = self.terms_in(currency)
        if self.kind == self.Kind.PERCENTAGE or terms is None or terms.value is None:
            return self.label
        return _("%(amount)s off") % {"amount": as_text(Money(terms.value, currency))}


class VoucherPrice(models.Model):
    """A voucher's fixed amount off and minimum order in another market's currency."""

    voucher = models.ForeignKey(Voucher, related_name="currency_prices", on_delete=models.CASCADE)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    value = models.DecimalField(
        _("amount off"),
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For a fixed-amount code: the amount off in this currency."),
    )
    minimum_order = models.DecimalField(
        _("minimum order"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        ordering = ["currency"]
        verbose_name = _("amount in another currency")
        verbose_name_plural = _("amounts in other currencies")
        constraints = [
            models.UniqueConstraint(
                fields=["voucher", "currency"], name="one_voucher_price_per_currency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id}: {self.value} {self.currency}"


def new_order_number() -> str:
    # No 0/O/1/I: numbers are read out on the phone.
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _position in range(8))


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")

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
    # The language the shopper placed the order in (settings.LANGUAGES): every email about
    # the order is written in it, whenever the worker sends it.
    language = models.CharField(_("language"), max_length=10, default="en", editable=False)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    currency = models.CharField(max_length=3)
    # The market it was placed in: its currency is the order's, for good.
    market = models.ForeignKey(
        "markets.Market", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    subtotal = MoneyField(**MONEY)
    discount_total = MoneyField(**MONEY, default=0)
    shipping_total = MoneyField(**MONEY)
    tax_total = MoneyField(**MONEY, default=0)
    total = MoneyField(**MONEY)
    prices_include_tax = models.BooleanField(default=False)
    tax_name = models.CharField(max_length=40, blank=True)
    tax_rate = models.DecimalField(max_digits=8, decimal_places=6, default=0)
    voucher_code = models.CharField(max_length=40, blank=True)
    # Each promotion (or code) applied when it was placed: {"id", "name", "code", "class",
    # "amount"} in the order's currency, as the shopper saw them; shipping's is in
    # shipping_discount, the goods' in discount_total.
    applied_promotions = models.JSONField(default=list, blank=True, editable=False)
    shipping_discount = MoneyField(**MONEY, default=0)

    shipping_name = models.CharField(max_length=200)
    shipping_line1 = models.CharField(max_length=200)
    shipping_line2 = models.CharField(max_length=200, blank=True)
    shipping_city = models.CharField(max_length=100)
    shipping_postcode = models.CharField(max_length=20)
    shipping_region = models.CharField(
        max_length=100, blank=True, help_text=_("ISO 3166-2 code where the country has regions.")
    )
    shipping_country = models.CharField(max_length=2, choices=COUNTRIES)
    shipping_phone = models.CharField(max_length=40, blank=True)
    shipping_method_name = models.CharField(max_length=100)

    reservation_expires_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    payment_method = models.CharField(
        max_length=80, blank=True, help_text=_("How it was paid, e.g. Visa ending in 4242.")
    )
    needs_attention = models.BooleanField(
        default=False, help_text=_("Something the merchant must look at (see the event log).")
    )
    refunded_total = MoneyField(default=0, **MONEY)
    # Paid at placing by gift cards and store credit (giftcards/, its ledger names the order):
    # the payment provider is asked only for the rest, `amount_due`.
    prepaid_total = MoneyField(_("paid with gift cards and store credit"), default=0, **MONEY)
    carrier = models.CharField(max_length=100, blank=True)
    tracking_number = models.CharField(max_length=100, blank=True)
    tracking_url = models.URLField(max_length=500, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
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
    def shipping_region_name(self) -> str:
        return regions.name_of(self.shipping_region)

    @property
    def amount_due(self) -> Money:
        """What the payment provider is asked for: the total less what gift cards and store
        credit paid when the order was placed."""
        if not self.prepaid_total.amount:  # none (whatever the currency it defaulted to)
            return self.total
        return self.total - self.prepaid_total

    @property
    def net_paid(self) -> Money:
        """What the shopper has paid, less what was given back."""
        return self.total - self.refunded_total

    # The names totals.Totals uses, so one template shows either.
    @property
    def discount(self) -> Money:
        return self.discount_total

    @property
    def promotions(self) -> list[dict]:
        """The applied promotions with their amounts as Money, for pages and emails."""
        return [
            {**p, "amount": Money(p.get("amount", "0"), self.currency)}
            for p in self.applied_promotions or []
        ]

    @property
    def shipping(self) -> Money:
        return self.shipping_total

    @property
    def tax(self) -> Money:
        return self.tax_total

    @property
    def tax_percent(self) -> str:
        return f"{(self.tax_rate * 100).normalize():f}%"

    @property
    def is_payable(self) -> bool:
        return self.status == self.Status.PENDING_PAYMENT

    @property
    def hold_ran_out(self) -> bool:
        """Unpaid past its stock hold, as last read (services.expire_if_overdue decides under
        the row lock): pages take the lock only then."""
        return (
            self.is_payable
            and self.reservation_expires_at is not None
            and self.reservation_expires_at <= timezone.now()
        )

    def can_move_to(self, status: str) -> bool:
        """Whether the order's life allows going from its status to `status` (TRANSITIONS)."""
        return status in TRANSITIONS.get(self.status, ())

    def move_to(self, status: str) -> None:
        """Set the next status, or raise OrderStatusError if TRANSITIONS does not allow it.
        Every service that changes an order's status goes through here; the caller saves."""
        if not self.can_move_to(status):
            raise OrderStatusError(order=self, status=status)
        self.status = status

    @property
    def is_paid(self) -> bool:
        return self.status in (
            self.Status.PAID,
            self.Status.SHIPPED,
            self.Status.DELIVERED,
            self.Status.PARTIALLY_REFUNDED,
        )


# The life of an order, in one table: each status and the statuses it may move to
# (Order.move_to). A late payment can still make an expired or cancelled order paid; an order
# that was never fulfilled is refunded when its late payment is given back.
TRANSITIONS: dict[str, frozenset[str]] = {
    Order.Status.PENDING_PAYMENT: frozenset(
        {Order.Status.PAID, Order.Status.EXPIRED, Order.Status.CANCELLED}
    ),
    Order.Status.PAID: frozenset(
        {
            Order.Status.SHIPPED,
            Order.Status.CANCELLED,
            Order.Status.REFUNDED,
            Order.Status.PARTIALLY_REFUNDED,
        }
    ),
    Order.Status.PARTIALLY_REFUNDED: frozenset({Order.Status.SHIPPED, Order.Status.REFUNDED}),
    Order.Status.SHIPPED: frozenset({Order.Status.DELIVERED, Order.Status.REFUNDED}),
    Order.Status.DELIVERED: frozenset({Order.Status.REFUNDED}),
    Order.Status.EXPIRED: frozenset({Order.Status.PAID, Order.Status.REFUNDED}),
    Order.Status.CANCELLED: frozenset({Order.Status.PAID, Order.Status.REFUNDED}),
    Order.Status.REFUNDED: frozenset(),
}


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
    # Its share of the discounts (item and order promotions, to the cent): what was paid for
    # the line is line_total - discount, and a refund of some units gives back their share.
    discount = MoneyField(**MONEY, default=0)
    refunded_quantity = models.PositiveIntegerField(default=0)
    # A gift card's recipient, sender, message and send date (the cart line's), for issuing it.
    gift_card = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=models.F("quantity")),
                name="order_line_refunds_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name} ({self.variant_label})"

    @property
    def paid_total(self) -> Money:
        """What was paid for the line's goods, before tax added on top."""
        return self.line_total - self.discount


class OrderEvent(models.Model):
    """The order's history: who did what, when. Written by every change of state."""

    class Kind(models.TextChoices):
        """Every kind of entry, declared once (orders and payments write them; selectors and
        services query them). Stored as these values; the field keeps no `choices`, so the
        admin shows the stored code as before."""

        PLACED = "placed"
        CANCELLED = "cancelled"
        CANCELLED_BY_MERCHANT = "cancelled_by_merchant"
        EXPIRED = "expired"
        PAYMENT_STARTED = "payment_started"
        PAYMENT_PROCESSING = "payment_processing"
        PAYMENT_CANCELED = "payment_canceled"
        PAYMENT_FAILED = "payment_failed"
        PAYMENT_RECOVERED = "payment_recovered"
        PAYMENT_MISMATCH = "payment_mismatch"
        PAID_OUT_OF_STOCK = "paid_out_of_stock"
        PAID = "paid"
        REFUNDED = "refunded"
        REFUND_FAILED = "refund_failed"
        AUTO_REFUND_FAILED = "auto_refund_failed"
        DISPUTE_OPENED = "dispute_opened"
        DISPUTE_CLOSED = "dispute_closed"
        SHIPPED = "shipped"
        DELIVERED = "delivered"
        CONFIRMATION_RESENT = "confirmation_resent"
        ANONYMISED = "anonymised"
        LINKED_TO_ACCOUNT = "linked_to_account"
        # Returns and exchanges (returns/ writes them; declared here with every other kind).
        RETURN_REQUESTED = "return_requested"
        RETURN_APPROVED = "return_approved"
        RETURN_DECLINED = "return_declined"
        RETURN_RECEIVED = "return_received"
        RETURN_RESTOCKED = "return_restocked"
        RETURN_REFUNDED = "return_refunded"
        RETURN_REFUND_FAILED = "return_refund_failed"
        RETURN_CLOSED = "return_closed"
        RETURN_RULES_OVERRIDDEN = "return_rules_overridden"
        EXCHANGE_RESERVED = "exchange_reserved"
        EXCHANGE_SHIPPED = "exchange_shipped"
        EXCHANGE_PAYMENT_REQUESTED = "exchange_payment_requested"

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    kind = models.CharField(max_length=40)
    message = models.TextField()
    actor = models.CharField(
        max_length=200, blank=True, help_text=_("Who: a user, stripe, system.")
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class VoucherRedemption(models.Model):
    """A voucher used by an order. Deleted when the order expires or is cancelled unpaid, so
    the use counts again."""

    voucher = models.ForeignKey(Voucher, related_name="redemptions", on_delete=models.PROTECT)
    order = models.OneToOneField(Order, related_name="redemption", on_delete=models.CASCADE)
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.voucher.code} on {self.order_id}"


class Reservation(models.Model):
    """Units of a variant held for an unpaid order until `expires_at`."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        RELEASED = "released", _("Released")
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
