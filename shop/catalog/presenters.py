"""Turning filters and their counts into what the filter panel shows (no queries)."""

from __future__ import annotations

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shop.catalog.selectors import PRICE_BANDS, CategoryTree, Facets, Filters
from shop.catalog.templatetags.shop_tags import money as format_money

SIZE_ORDER = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"]


def _value_order(option_type: str, value: str):
    if value in SIZE_ORDER:
        return (0, SIZE_ORDER.index(value), value)
    return (1, 0, value.lower())


def _whole(amount: int) -> str:
    """$25, not $25.00: band edges are whole amounts."""
    text = format_money(amount)
    return text.split(".")[0] if text.endswith((".00", ".000")) else text


def _band_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(low)s and up") % {"low": _whole(low)}
    if low == 0:
        return _("Under %(high)s") % {"high": _whole(high)}
    return _("%(low)s to %(high)s") % {"low": _whole(low), "high": _whole(high)}


def listing_context(*, request, tree: CategoryTree, scope, sub, filters: Filters, counts: Facets):
    chosen_band = None
    if filters.price_min is not None or filters.price_max is not None:
        chosen_band = f"{int(filters.price_min or 0)}-" + (
            str(int(filters.price_max)) if filters.price_max is not None else ""
        )
    bands = [
        {
            "value": f"{low}-" + ("" if high is None else str(high)),
            "label": _band_label(low, high),
            "count": counts.price_bands.get(index, 0),
        }
        for index, (low, high) in enumerate(PRICE_BANDS)
    ]
    for band in bands:
        band["checked"] = band["value"] == chosen_band

    # Sub-categories of the page's category (or top-level ones on a search), counts rolled up.
    rolled: dict[int, int] = {}
    for category_id, count in counts.categories.items():
        if scope is None:
            top = category_id
            while tree.categories.get(top) and tree.categories[top].parent_id is not None:
                top = tree.categories[top].parent_id
            target = top
        else:
            target = tree.child_of(scope.pk, category_id)
        if target is not None:
            rolled[target] = rolled.get(target, 0) + count
    children = (
        tree.top_level()
        if scope is None
        else [tree.categories[pk] for pk in tree.children.get(scope.pk, [])]
    )
    categories = [
        {"slug": c.slug, "name": c.name, "count": rolled.get(c.pk, 0), "checked": sub == c}
        for c in children
        if rolled.get(c.pk) or sub == c
    ]

    chosen = {f"{t}:{v}" for t, values in filters.options.items() for v in values}
    options = [
        {
            "name": option_type.replace("_", " ").capitalize(),
            "values": [
                {
                    "value": f"{option_type}:{value}",
                    "label": value,
                    "count": count,
                    "checked": f"{option_type}:{value}" in chosen,
                }
                for value, count in sorted(
                    values.items(), key=lambda item: _value_order(option_type, item[0])
                )
            ],
        }
        for option_type, values in sorted(counts.options.items())
    ]
    keep = {k: v for k, v in request.GET.lists() if k not in ("page",)}
    return {
        "filters": filters,
        "facets": counts,
        "price_bands": bands,
        "filter_categories": categories,
        "filter_options": options,
        "page_query": urlencode(keep, doseq=True),
    }
