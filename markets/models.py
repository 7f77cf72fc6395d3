"""A market: the countries sold to in one currency, with that currency's own prices.

Rules kept here: exactly one market is the default (a partial unique index allows at most
one, and `Market.save`/`delete` never leave none); a market's currency is an ISO 4217 code;
a country belongs to at most one market (checked in `clean`, since the countries are a list).
Prices themselves live with what they price (catalog.VariantPrice, orders.ShippingMethodPrice,
orders.VoucherPrice): the markets layer knows no product.
"""

from __future__ import annotations

from decimal import Decimal

import moneyed
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CURRENCY_CHOICES = sorted(
    (code, f"{code} – {currency.name}")
    for code, currency in moneyed.CURRENCIES.items()
    if code != "XXX" and len(code) == 3
)


def validate_currency(value: str) -> None:
    if value not in moneyed.CURRENCIES or value == "XXX":
        raise ValidationError(_("%(code)s is not an ISO 4217 currency code.") % {"code": value})


def validate_countries(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(c, str) and len(c) == 2 and c.isalpha() and c.isupper() for c in value
    ):
        raise ValidationError(_("Countries must be a list of ISO 3166-1 codes such as DE, AT."))


class MarketQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Market(models.Model):
    name = models.CharField(_("name"), max_length=80)
    code = models.SlugField(
        _("code"), max_length=30, unique=True, help_text=_("Used in URLs and the API: eu, us.")
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        validators=[validate_currency],
        help_text=_("Every price shown and charged in this market is in this currency."),
    )
    countries = models.JSONField(
        _("countries"),
        default=list,
        blank=True,
        validators=[validate_countries],
        help_text=_("ISO 3166-1 codes of the countries this market sells to: DE, AT, FR."),
    )
    language = models.CharField(
        _("default language"),
        max_length=10,
        default="en",
        help_text=_("The language a shopper of this market sees first (a language code)."),
    )
    prices_include_tax = models.BooleanField(
        _("prices include tax"),
        default=False,
        help_text=_(
            "On: prices shown include VAT (Europe). Off: tax is added at checkout. The "
            "default market follows the PRICES_INCLUDE_TAX setting."
        ),
    )
    exchange_rate = models.DecimalField(
        _("exchange rate"),
        max_digits=14,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.000001"))],
        help_text=_(
            "Units of this currency for one unit of the default market's. Used only to "
            "suggest missing prices in the admin, for you to review; never when paying."
        ),
    )
    is_default = models.BooleanField(
        _("default market"),
        default=False,
        help_text=_("Where shoppers from any other country buy. Exactly one market is it."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(default=0)

    objects = MarketQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_market"
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(is_active=True),
                name="default_market_is_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.currency})"

    def save(self, *args, **kwargs):
        with transaction.atomic():
            if self.is_default:
                Market.objects.filter(is_default=True).exclude(pk=self.pk).update(is_default=False)
            super().save(*args, **kwargs)
        _forget_cached_markets()

    def delete(self, *args, **kwargs):
        if self.is_default:
            raise ValidationError(_("The default market cannot be deleted."))
        deleted = super().delete(*args, **kwargs)
        _forget_cached_markets()
        return deleted

    def clean(self):
        super().clean()
        self.countries = sorted({c.strip().upper() for c in self.countries or [] if c.strip()})
        validate_countries(self.countries)
        taken = {
            c: m.name
            for m in Market.objects.exclude(pk=self.pk)
            for c in m.countries
            if c in self.countries
        }
        if taken:
            raise ValidationError(
                {
                    "countries": _("Already in another market: %(list)s.")
                    % {"list": ", ".join(f"{c} ({name})" for c, name in sorted(taken.items()))}
                }
            )
        if self.is_default and self.currency != settings.SHOP_CURRENCY:
            raise ValidationError(
                {
                    "currency": _(
                        "The default market sells in the shop's currency (SHOP_CURRENCY, "
                        "%(code)s): the catalog's own prices are in it."
                    )
                    % {"code": settings.SHOP_CURRENCY}
                }
            )
        if not self.is_default and self.pk:
            was_default = Market.objects.filter(pk=self.pk, is_default=True).exists()
            if was_default:
                raise ValidationError({"is_default": _("Make another market the default instead.")})

    @property
    def price_currency(self) -> str:
        """The currency this market's prices are in: the default market's is the shop's own
        (SHOP_CURRENCY), the catalog's `Variant.price`."""
        return settings.SHOP_CURRENCY if self.is_default else self.currency

    @property
    def includes_tax(self) -> bool:
        """Whether its prices include tax: the default market keeps the shop's setting
        (PRICES_INCLUDE_TAX), as it keeps its currency; another market has its own."""
        return settings.PRICES_INCLUDE_TAX if self.is_default else self.prices_include_tax

    @property
    def uses_catalog_prices(self) -> bool:
        """True when `Variant.price` is this market's price (no price table needed)."""
        return self.price_currency == settings.SHOP_CURRENCY

    def sells_to(self, country: str) -> bool:
        return country.upper() in self.countries


def _forget_cached_markets() -> None:
    """Now and once the change commits (a request in between may have read the old rows)."""
    from markets.selectors import forget_cached_markets

    forget_cached_markets()
    transaction.on_commit(forget_cached_markets)


class CustomerMarket(models.Model):
    """The market a signed-in shopper chose last: their account remembers it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="market_choice", on_delete=models.CASCADE
    )
    market = models.ForeignKey(Market, related_name="+", on_delete=models.CASCADE)
    chosen_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.user} → {self.market.code}"
