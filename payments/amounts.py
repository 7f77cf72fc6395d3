"""The one place where Money becomes Stripe's integer amount, and back.

Stripe counts in the currency's smallest unit, with its own list of exceptions: zero-decimal
currencies (JPY: 1000 means ¥1000), three-decimal ones (KWD: 1000 means 1.000 KD, sent as a
multiple of 10), and ISK, which Stripe counts in hundredths although it has no minor unit.
"""

from __future__ import annotations

from decimal import Decimal

from moneyed import Money

from shop.money import quantize

STRIPE_ZERO_DECIMAL = {
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
}  # fmt: skip
STRIPE_THREE_DECIMAL = {"BHD", "JOD", "KWD", "OMR", "TND"}


class AmountError(ValueError):
    pass


def stripe_exponent(currency: str) -> int:
    code = currency.upper()
    if code in STRIPE_ZERO_DECIMAL:
        return 0
    if code in STRIPE_THREE_DECIMAL:
        return 3
    return 2


def to_stripe_amount(value: Money) -> tuple[int, str]:
    """(amount in Stripe's units, lower-case currency) for a Money in the shop's rounding."""
    code = value.currency.code
    amount = quantize(value.amount, code)
    if amount < 0:
        raise AmountError(f"Cannot charge a negative amount ({value}).")
    units = amount.scaleb(stripe_exponent(code))
    if units != units.to_integral_value():
        raise AmountError(f"{value} has more precision than Stripe accepts for {code}.")
    result = int(units)
    if code in STRIPE_THREE_DECIMAL and result % 10:
        raise AmountError(f"Stripe needs {code} amounts in whole tens of its minor unit.")
    return result, code.lower()


def from_stripe_amount(amount: int, currency: str) -> Money:
    code = currency.upper()
    return Money(Decimal(int(amount)).scaleb(-stripe_exponent(code)), code)


def stripe_amount_due(order) -> tuple[int, str]:
    """What Stripe is asked for on an order: only what its gift cards and store credit did not
    pay when it was placed (Order.amount_due), in Stripe's units."""
    return to_stripe_amount(order.amount_due)
