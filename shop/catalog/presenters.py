"""Turning filters and their counts into what the filter panel shows (no queries)."""

from __future__ import annotations

from django.utils.http import urlencode
from django.utils.translation import gettext as _

from shop.catalog.facets import Facets, Filters, price_bands
from shop.catalog.images import card_picture
from shop.catalog.selectors import CategoryTree, option_type_names, option_value_labels
from shop.catalog.templatetags.shop_tags import money as format_money
from shop.money import money

SIZE_ORDER = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "XXXL"]


def _value_order(option_type: str, value: str):
    if value in SIZE_ORDER:
        return (0, SIZE_ORDER.index(value), value)
    return (1, 0, value.lower())


def _whole(amount: int, currency: str | None = None) -> str:
    """$25, not $25.00: band edges are whole amounts."""
    text = format_money(amount if currency is None else money(amount, currency))
    return text.split(".")[0] if text.endswith((".00", ".000")) else text


def _band_label(low: int, high: int | None, currency: str | None = None) -> str:
    if high is None:
        return _("%(low)s and up") % {"low": _whole(low, currency)}
    if low == 0:
        return _("Under %(high)s") % {"high": _whole(high, currency)}
    return _("%(low)s to %(high)s") % {
        "low": _whole(low, currency),
        "high": _whole(high, currency),
    }


def listing_context(
    *,
    request,
    tree: CategoryTree,
    scope,
    sub,
    filters: Filters,
    counts: Facets,
    currency: str | None = None,
):
    chosen_band = None
    if filters.price_min is not None or filters.price_max is not None:
        chosen_band = f"{int(filters.price_min or 0)}-" + (
            str(int(filters.price_max)) if filters.price_max is not None else ""
        )
    bands = [
        {
            "value": f"{low}-" + ("" if high is None else str(high)),
            "label": _band_label(low, high, currency),
            "count": counts.price_bands.get(index, 0),
        }
        for index, (low, high) in enumerate(price_bands(currency))
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
    names = option_type_names()  # cached with the catalog version, as the category tree
    # What shoppers read for each value ("Waldgrün"); the value stays the filter's key.
    labels = option_value_labels()
    options = [
        {
            "name": names.get(option_type) or option_type.replace("_", " ").capitalize(),
            "values": [
                {
                    "value": f"{option_type}:{value}",
                    "label": labels.get(option_type, {}).get(value, value),
                    "count": count,
                    "checked": f"{option_type}:{value}" in chosen,
                }
                for value, count in sorted(
                    values.items(),
                    key=lambda item: _value_order(
                        option_type, labels.get(option_type, {}).get(item[0], item[0])
                    ),
                )
            ],
        }
        for option_type, values in sorted(counts.options.items())
    ]
    keep = {k: v for k, v in request.GET.lists() if k not in ("page",)}
    applied = _applied(
        keep,
        category=next((c for c in categories if c["checked"]), None),
        band=next((b for b in bands if b["checked"]), None),
        filters=filters,
        names=names,
        labels=labels,
    )
    return {
        "applied_filters": applied,
        "filters": filters,
        "facets": counts,
        "price_bands": bands,
        "filter_categories": categories,
        "filter_options": options,
        "page_query": urlencode(keep, doseq=True),
    }


def _applied(
    keep: dict, *, category, band, filters: Filters, names: dict, labels: dict
) -> list[dict]:
    """The filters that are on, each with a link that removes it alone (a chip)."""

    def without(*names: str, value: str | None = None) -> str:
        left = {}
        for key, values in keep.items():
            if key in names:
                values = [v for v in values if value is not None and v != value]
            if values:
                left[key] = values
        return "?" + urlencode(left, doseq=True)

    applied = []
    if category:
        applied.append({"label": category["name"], "url": without("cat")})
    if band:
        applied.append({"label": band["label"], "url": without("price", "price_min", "price_max")})
    elif filters.price_min is not None or filters.price_max is not None:
        applied.append({"label": _("Price"), "url": without("price", "price_min", "price_max")})
    if filters.in_stock:
        applied.append({"label": _("In stock only"), "url": without("in_stock")})
    for code, values in sorted(filters.options.items()):
        for value in values:
            applied.append(
                {
                    "label": f"{names.get(code) or code.replace('_', ' ').capitalize()}: "
                    f"{labels.get(code, {}).get(value, value)}",
                    "url": without("o", value=f"{code}:{value}"),
                }
            )
    return applied


def show_chosen_options(products, options: dict[str, list[str]]) -> None:
    """On a listing filtered by option values ("colour:Forest"), each card opens the first
    variant having a chosen value of every filtered option the product has, and shows that
    value's own photo: the colour chosen in the filters is the colour the shopper sees, on
    the card and on the product page (`?variant=SKU`). Reads only the product's columns."""
    if not options:
        return
    for product in products:
        cards = product.option_cards or {}
        for sku, values in cards.get("variants", []):
            if all(values.get(code, chosen[0]) in chosen for code, chosen in options.items()):
                product.card_sku = sku
                for code in options:
                    image = cards.get("images", {}).get(f"{code}:{values.get(code)}")
                    if image:
                        name, width, height = image
                        product.chosen_picture = card_picture(name=name, width=width, height=height)
                        break
                break
