from django import template

from shop.money import as_text

register = template.Library()


@register.filter
def money(value):
    """Format Money (or an amount in the shop's currency) with its symbol and minor unit."""
    return as_text(value)
