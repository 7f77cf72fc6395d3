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
    return format_money(value, locale="en_US")
