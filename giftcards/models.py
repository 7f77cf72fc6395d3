"""Gift cards, store credit and the one ledger that records every movement of either.

A balance is a column kept in the same transaction as the ledger row that moves it, with a
database CHECK that it is never below zero; the ledger is append-only (rows are never edited
or deleted, the admin shows them read-only), so the sum of a card's or an account's rows is
its balance. Orders are named by id (and number, for reading): orders sit above this app and
it never imports them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from moneyed import Money

from giftcards import codes
from markets.models import validate_currency

AMOUNT = {"max_digits": 14, "decimal_places": 3}


class GiftCard(models.Model):
    """A card: its code (hashed), what is left on it, and who bought it for whom."""

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    last4 = models.CharField(_("last 4"), max_length=4, editable=False)
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    initial_balance = models.DecimalField(_("initial balance"), **AMOUNT)
    balance = models.DecimalField(_("balance"), **AMOUNT)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    is_disabled = models.BooleanField(_("disabled"), default=False)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    purchaser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="gift_cards_bought",
        on_delete=models.SET_NULL,
    )
    purchaser_email = models.EmailField(_("purchaser email"), blank=True)
    recipient_email = models.EmailField(_("recipient email"), blank=True)
    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    message = models.TextField(_("message"), blank=True, max_length=500)
    send_on = models.DateField(_("send on"), null=True, blank=True)
    # The order line that bought it (orders sit above: named by id); empty for staff-issued.
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True, editable=False)
    order_line_id = models.BigIntegerField(null=True, blank=True, editable=False)
    unit = models.PositiveSmallIntegerField(default=0, editable=False)  # of the line's units
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("gift card")
        verbose_name_plural = _("gift cards")
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="gift_card_balance_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(initial_balance__gt=0), name="gift_card_initial_positive"
            ),
            # A paid order line issues each of its cards once, however often paying is told.
            models.UniqueConstraint(
                fields=["order_line_id", "unit"],
                condition=Q(order_line_id__isnull=False),
                name="one_gift_card_per_unit_bought",
            ),
        ]

    def __str__(self) -> str:
        return codes.masked(self.last4)

    @property
    def label(self) -> str:
        return codes.masked(self.last4)

    @property
    def balance_money(self) -> Money:
        return Money(self.balance, self.currency)

    @property
    def initial_money(self) -> Money:
        return Money(self.initial_balance, self.currency)

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    def usable(self, currency: str, now=None) -> bool:
        return (
            not self.is_disabled
            and not self.is_expired(now)
            and self.currency == currency
            and self.balance > 0
        )


class StoreCreditAccount(models.Model):
    """A customer's store credit in one currency; its balance is the sum of its grants' rest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="store_credit", on_delete=models.PROTECT
    )
    currency = models.CharField(_("currency"), max_length=3, validators=[validate_currency])
    balance = models.DecimalField(_("balance"), default=0, **AMOUNT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user_id", "currency"]
        verbose_name = _("store credit account")
        verbose_name_plural = _("store credit accounts")
        constraints = [
            models.UniqueConstraint(fields=["user", "currency"], name="one_credit_account_each"),
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="store_credit_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.currency})"


class CreditGrant(models.Model):
    """One credit given to an account (by staff, by a refund), with what is left of it and
    when it expires. Debits take from the grant that expires soonest first; a reversed debit
    goes back to the grant it came from."""

    account = models.ForeignKey(StoreCreditAccount, related_name="grants", on_delete=models.PROTECT)
    amount = models.DecimalField(_("amount"), **AMOUNT)
    remaining = models.DecimalField(_("remaining"), **AMOUNT)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_grant_positive"),
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("amount")),
                name="credit_grant_remaining_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.account.currency}: {self.reason}"


class LedgerEntry(models.Model):
    """One movement of a gift card or a store-credit account. Append-only."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issued")
        HOLD = "hold", _("Held by a checkout")
        CAPTURE = "capture", _("Used for an order")
        RELEASE = "release", _("Released")
        REFUND = "refund", _("Refunded")
        EXPIRE = "expire", _("Expired")
        ADJUST = "adjust", _("Adjusted")

    gift_card = models.ForeignKey(
        GiftCard, null=True, blank=True, related_name="entries", on_delete=models.PROTECT
    )
    account = models.ForeignKey(
        StoreCreditAccount, null=True, blank=True, related_name="entries", on_delete=models.PROTECT
    )
    grant = models.ForeignKey(
        CreditGrant, null=True, blank=True, related_name="entries", on_delete=models.PROTECT
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Signed: what the movement added to (or, negative, took from) the balance.
    amount = models.DecimalField(_("amount"), **AMOUNT)
    currency = models.CharField(_("currency"), max_length=3)
    balance_after = models.DecimalField(_("balance after"), **AMOUNT)
    actor = models.CharField(_("actor"), max_length=200, blank=True)
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    order_number = models.CharField(_("order"), max_length=16, blank=True)
    cart_id = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.CheckConstraint(
                condition=(Q(gift_card__isnull=False) & Q(account__isnull=True))
                | (Q(gift_card__isnull=True) & Q(account__isnull=False)),
                name="ledger_entry_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="ledger_balance_after_not_negative"
            ),
            # A card, or a credit grant, is captured at most once per order.
            models.UniqueConstraint(
                fields=["order_id", "gift_card"],
                condition=Q(kind="capture", gift_card__isnull=False),
                name="one_card_capture_per_order",
            ),
            models.UniqueConstraint(
                fields=["order_id", "grant"],
                condition=Q(kind="capture", grant__isnull=False),
                name="one_grant_capture_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"

    @property
    def amount_money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def balance_after_money(self) -> Money:
        return Money(self.balance_after, self.currency)


class CartRedemption(models.Model):
    """A gift card, or the shopper's store credit, applied to a cart's checkout. A card is held
    by one open checkout at a time (unique): applying it elsewhere moves the hold. Nothing is
    taken from a balance until the order is placed."""

    cart = models.ForeignKey("cart.Cart", related_name="+", on_delete=models.CASCADE)
    gift_card = models.OneToOneField(
        GiftCard, null=True, blank=True, related_name="hold", on_delete=models.CASCADE
    )
    account = models.ForeignKey(
        StoreCreditAccount, null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(gift_card__isnull=False) & Q(account__isnull=True))
                | (Q(gift_card__isnull=True) & Q(account__isnull=False)),
                name="redemption_one_source",
            ),
            models.UniqueConstraint(fields=["cart", "account"], name="credit_once_per_cart"),
        ]

    def __str__(self) -> str:
        return f"cart {self.cart_id}: {self.gift_card_id or self.account_id}"
