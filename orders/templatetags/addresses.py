"""`{{ order|postal_address }}` (HTML, a line per <br>) and `{{ order|postal_address_text }}`
(plain text, for emails): any address in its country's order (orders/addresses.py)."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from orders.addresses import lines_of

register = template.Library()


@register.filter
def postal_address(address) -> SafeString:
    lines = (conditional_escape(line) for line in lines_of(address))
    return mark_safe("<br>".join(lines))  # noqa: S308 (each line escaped)


@register.filter
def postal_address_text(address) -> str:
    return "\n".join(lines_of(address))
