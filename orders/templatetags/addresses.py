"""`{{ order|postal_address }}` (HTML, a line per <br>) and `{{ order|postal_address_text }}`
(plain text, for emails): any address in its country's order (orders/addresses.py)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from orders.addresses import lines_of

register = template.Library()


@register.filter
def postal_address(address) -> SafeString:
    return format_html_join("<br>", "{}", ((line,) for line in lines_of(address)))


@register.filter
def postal_address_text(address) -> str:
    return "\n".join(lines_of(address))
