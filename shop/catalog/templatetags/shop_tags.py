import functools
from decimal import Decimal

from django import template
from django.conf import settings
from moneyed import Money
from moneyed.l10n import format_money

from shop.money import money as to_money

register = template.Library()


@register.filter
def money(value):
    """Format Money (or an amount in the shop's currency) with its symbol and minor unit."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Money):
        value = to_money(Decimal(value), settings.SHOP_CURRENCY)
    else:
        value = to_money(value.amount, value.currency.code)
    return _formatted(str(value.amount), value.currency.code)


@functools.lru_cache(maxsize=8192)
def _formatted(amount: str, currency: str) -> str:
    # Babel's formatting costs a fraction of a millisecond, and a listing shows dozens of
    # prices: the same amounts come back all the time.
    return format_money(Money(Decimal(amount), currency), locale="en_US")
