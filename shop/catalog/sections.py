"""Parts of the product page that apps above the catalog own (reviews): the catalog knows no
reviews, so they register a section here when Django starts (their AppConfig.ready), and the
product view renders each one into the page's shared body.

A section is shown to every shopper alike: it is cached with the product page, under the
catalog's version and the product's own, which its app bumps when what it shows changes
(catalog/services.set_rating_summary, page_of_product_changed). It reads only the query
parameters it declares, which join the product page's canonical query (catalog/views.py), so
a page of reviews is cached like a page of products."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    # (product, the canonical query) -> the template's context, or None to show nothing.
    context: Callable[[object, Mapping[str, str]], dict | None]
    # The query parameters the section reads, each with a function that returns its one
    # spelling (or None when absent or not valid: dropped from the query).
    params: dict[str, Callable[[str], str | None]] = field(default_factory=dict)
    # The section's additions to the product's JSON-LD (schema.org Product members).
    structured_data: Callable[[dict], dict] | None = None


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.name] = section


def registered() -> list[Section]:
    return list(_sections.values())


def canonical_params(data) -> dict[str, str]:
    """The sections' parameters found in `data`, each in its one spelling."""
    found = {}
    for section in _sections.values():
        for name, clean in section.params.items():
            value = clean(str(data.get(name, ""))[:40]) if name in data else None
            if value is not None:
                found[name] = value
    return found


def render_context(product, query) -> tuple[list[dict], dict]:
    """Each section's template and context for this product, and their JSON-LD additions."""
    shown, structured = [], {}
    for section in _sections.values():
        context = section.context(product, query)
        if context is None:
            continue
        shown.append({"template": section.template, "context": context})
        if section.structured_data is not None:
            structured.update(section.structured_data(context))
    return shown, structured
