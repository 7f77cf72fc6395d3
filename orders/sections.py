"""Parts of the order page that apps above orders own (returns): orders know nothing of them,
so they register a section here when Django starts (their AppConfig.ready), and the order
view renders each one into the page, after the lines. The same pattern as the product page's
sections (shop/catalog/sections.py).

A section is per shopper (an order page is never cached): its context function gets the
request and the order the visitor may see, and returns the template's context or None to
show nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    # (request, order) -> the template's context, or None to show nothing.
    context: Callable[[object, object], dict | None]


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.name] = section


def render_context(request, order) -> list[dict]:
    """Each section's template and context for this order page."""
    shown = []
    for section in _sections.values():
        context = section.context(request, order)
        if context is not None:
            shown.append({"template": section.template, "context": context})
    return shown
