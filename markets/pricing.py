"""Suggested prices: what a merchant would set in a market's currency, from a price in the
shop's currency and the exchange rate they entered. Only ever a suggestion, shown in the admin
for review (and used once by the demo's loader); nothing at paying time comes from here.

The rule: convert, then round UP to a price ending a merchant would choose: .90 in currencies
with cents (9.23 → 9.90, 10.00 → 10.90, 24.95 → 24.90 is never chosen: it rounds up, to
25.90); whole tens in currencies without a minor unit (1,234 → 1,240 JPY).
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

from shop.money import exponent, quantize


def suggest_price(amount: Decimal, rate: Decimal, currency: str) -> Decimal:
    converted = Decimal(amount) * Decimal(rate)
    if converted <= 0:
        return quantize(Decimal(0), currency)
    if exponent(currency) == 0:
        tens = (converted / 10).to_integral_value(rounding=ROUND_CEILING)
        return quantize(tens * 10, currency)
    whole = converted.to_integral_value(rounding=ROUND_CEILING)
    candidate = whole - Decimal("0.10")
    if candidate < converted:
        candidate += 1
    return quantize(candidate, currency)
