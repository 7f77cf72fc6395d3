"""Money in the shop's currency, rounded to that currency's minor unit.

Knows nothing of Stripe: payments/amounts.py turns these into Stripe's integer amounts.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from babel.core import UnknownLocaleError
from django.conf import settings
from django.utils import translation
from moneyed import Money
from moneyed.l10n import format_money

# ISO 4217 minor units where they are not 2. Stripe follows these except where noted in
# payments/amounts.py.
MINOR_UNIT_EXPONENTS = {
    # zero-decimal
    "BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0,
    "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
    # three-decimal
    "BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}  # fmt: skip


# Card networks charge three-decimal currencies in whole tens of fils/baisa (Stripe refuses
# anything else), so amounts the shop computes in them are rounded to 0.010: the total shown
# is then always exactly the total charged.
CHARGE_STEPS = {code: Decimal("0.010") for code in ("BHD", "JOD", "KWD", "OMR", "TND")}


def exponent(currency: str) -> int:
    return MINOR_UNIT_EXPONENTS.get(str(currency).upper(), 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round half up to the currency's minor unit (cents, yen; tens of fils for KWD)."""
    code = str(currency).upper()
    unit = Decimal(1).scaleb(-exponent(code))
    step = CHARGE_STEPS.get(code)
    if step is not None:
        return (
            (Decimal(amount) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step
        ).quantize(unit)
    return Decimal(amount).quantize(unit, rounding=ROUND_HALF_UP)


def money(amount: Decimal | int | str, currency: str | None = None) -> Money:
    currency = currency or settings.SHOP_CURRENCY
    return Money(quantize(Decimal(amount), currency), currency)


def zero(currency: str | None = None) -> Money:
    return money(0, currency)


def as_text(value: Money | Decimal | int | str | None) -> str:
    """Money as shoppers read it everywhere ("$146.98", "¥1,200"): pages, emails, the admin
    and the order log. A bare amount is in the shop's currency."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Money):
        value = money(Decimal(value), settings.SHOP_CURRENCY)
    else:
        value = money(value.amount, value.currency.code)
    return _formatted(str(value.amount), value.currency.code, _locale())


def _locale() -> str:
    """The Babel locale of the active language ("en-us" → en_US, "de" → de): amounts are
    written as that language writes them (12,90 € in German), with the currency's minor
    unit (none for JPY)."""
    return translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE)


@functools.lru_cache(maxsize=8192)
def _formatted(amount: str, currency: str, locale: str = "en_US") -> str:
    # Babel's formatting costs a fraction of a millisecond, and a listing shows dozens of
    # prices: the same amounts come back all the time.
    value = Money(Decimal(amount), currency)
    try:
        return format_money(value, locale=locale)
    except (UnknownLocaleError, ValueError):  # a language Babel does not know
        return format_money(value, locale="en_US")
