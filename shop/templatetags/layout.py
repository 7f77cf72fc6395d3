"""The shop's layout rendered once and reused: `{% chrome %}`.

The header and footer around every page (the search form, the account menu, the market and
language selectors, the footer's links) are the same for every shopper in the same language
and market, signed in or not, on the same URL: Django's templates took most of a cart page's
time building them again for each request (issue 29: a cart page spent about 6 ms of its
11 ms there). `{% chrome "header" a b c fill cart_quantity %}...{% endchrome %}` renders its
content once per process for each combination of the values after the name (resolved from the
context, like the `{% cache %}` tag's vary-on arguments) and the language, and keeps the result
in memory (an LRU of `LAYOUT_CACHE_SIZE` entries; `LAYOUT_CACHE=0` turns it off; it is off
with DEBUG so that an edited template shows at once).

What differs per shopper is never kept: the CSRF token and the variables named after `fill`
are rendered as placeholders into the kept copy and swapped for this request's values on the
way out (escaped). A value the fragment reads must therefore be either one of its vary-on
values, something every request with those values shares, or a `fill` variable; a test keeps
the fragment and the page rendered without it identical.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

_CSRF = "layout-csrf-token-placeholder"
_kept: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def enabled() -> bool:
    return getattr(settings, "LAYOUT_CACHE", False)


def forget() -> None:
    """Drop every kept fragment (a setting changed, or a test starts)."""
    with _lock:
        _kept.clear()


setting_changed.connect(lambda **kwargs: forget(), weak=False)


def _placeholder(name: str) -> str:
    return f"layout-fill-{name}-placeholder"


class ChromeNode(template.Node):
    def __init__(self, nodelist, name, vary_on, fills):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on
        self.fills = fills

    def render(self, context):
        if not enabled() or context.get("csrf_token") is None:
            # Without a token (rendered without a request) {% csrf_token %} writes nothing,
            # where the kept copy would carry an empty field: rendered as it is.
            return self.nodelist.render(context)
        key = (
            self.name,
            translation.get_language(),
            *(str(value.resolve(context)) for value in self.vary_on),
        )
        with _lock:
            html = _kept.get(key)
            if html is not None:
                _kept.move_to_end(key)
        if html is None:
            holes = {name: _placeholder(name) for name in self.fills}
            with context.push(csrf_token=_CSRF, **holes):
                html = self.nodelist.render(context)
            with _lock:
                _kept[key] = html
                while len(_kept) > settings.LAYOUT_CACHE_SIZE:
                    _kept.popitem(last=False)
        if _CSRF in html:
            html = html.replace(_CSRF, str(context.get("csrf_token", "")))
        for name in self.fills:
            hole = _placeholder(name)
            if hole in html:
                html = html.replace(hole, str(conditional_escape(context.get(name, ""))))
        return mark_safe(html)  # noqa: S308 (rendered by the template engine, fills escaped)


@register.tag
def chrome(parser, token):
    """`{% chrome "name" vary1 vary2 ... [fill var1 var2 ...] %} ... {% endchrome %}`"""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("chrome needs a name")
    name = bits[1].strip("\"'")
    rest = bits[2:]
    fills: list[str] = []
    if "fill" in rest:
        at = rest.index("fill")
        rest, fills = rest[:at], rest[at + 1 :]
    vary_on = [parser.compile_filter(bit) for bit in rest]
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, name, vary_on, fills)
