"""The product page's variant picker: one choice per option, and the variant they make.

Rule (the same in static/js/product.js): a choice is the shopper's, and a later choice never
changes an earlier one. A value is disabled only when no variant with it can be bought at all;
a value that, with the other values chosen, makes a sold-out variant or none is marked
"(sold out)" or "(not made)" but can still be chosen. When the chosen values make no variant
to buy, the page says so ("Sold out in XL / Navy"), Add to cart is disabled, and it links the
variants to buy that differ in one value ("Available in: XL / Forest"), those keeping the
latest choice first.

Without JavaScript, "Show price and stock for this choice" posts the values; the page comes
back with the variant they make (`?variant=SKU`, even sold out) or, when they make none, with
the values themselves (`?option_size=<id>&option_colour=<id>`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

from shop.catalog.models import OptionType, OptionValue, ProductImage, Variant
from shop.catalog.templatetags.shop_tags import money as format_money


@dataclass
class Choice:
    value: OptionValue
    selected: bool
    enabled: bool  # with the other values chosen, it makes a variant to buy
    exists: bool  # ... it makes a variant (perhaps sold out)
    possible: bool  # some variant to buy has it, whatever else is chosen


@dataclass
class Picker:
    option_type: OptionType
    choices: list[Choice]

    @property
    def selected(self) -> OptionValue | None:
        return next((c.value for c in self.choices if c.selected), None)

    @property
    def swatches(self) -> bool:
        return self.option_type.display == OptionType.SWATCHES


@dataclass
class ProductChoices:
    variants: list[Variant]
    selected: Variant | None
    pickers: list[Picker] = field(default_factory=list)
    values_of: dict[int, dict[int, int]] = field(default_factory=dict)  # variant -> type -> value
    made: bool = True  # the chosen values make a variant (perhaps sold out)
    label: str = ""  # the chosen values, "XL / Navy"
    alternatives: list[Variant] = field(default_factory=list)  # to buy, one value different

    @property
    def buyable(self) -> bool:
        return self.selected is not None and self.selected.available > 0


def build(
    *,
    variants: list[Variant],
    option_types: list[OptionType],
    links: list[tuple[int, int, OptionValue]],
    sku: str = "",
    wanted: dict[str, int] | None = None,
) -> ProductChoices:
    """`links`: (variant id, option type id, value) for the product's variants. `sku` names
    the chosen variant; failing that, `wanted` ({option code: value id}, one per option) the
    chosen values, which may make no variant; failing both, the first variant to buy."""
    values_of: dict[int, dict[int, int]] = {v.pk: {} for v in variants}
    offered: dict[int, dict[int, OptionValue]] = {t.pk: {} for t in option_types}
    for variant_id, type_id, value in links:
        if type_id in offered and variant_id in values_of:
            values_of[variant_id][type_id] = value.pk
            offered[type_id][value.pk] = value
    # A variant missing a value of one of the product's options cannot be picked: the merchant
    # is still setting it up.
    pickable = [v for v in variants if len(values_of[v.pk]) == len(option_types)]
    selected = next((v for v in variants if sku and v.sku == sku), None)
    chosen: dict[int, int] | None = None
    if selected is None and wanted and option_types:
        asked = {
            t.pk: wanted[t.code]
            for t in option_types
            if t.code in wanted and wanted[t.code] in offered[t.pk]
        }
        if len(asked) == len(option_types):
            chosen = asked
            selected = next((v for v in pickable if values_of[v.pk] == asked), None)
    if chosen is None and (selected is None or (option_types and selected not in pickable)):
        pool = pickable if option_types else variants
        selected = next((v for v in pool if v.available), pool[0] if pool else None)
    result = ProductChoices(variants=variants, selected=selected, values_of=values_of)
    if chosen is None and (selected is None or not option_types):
        return result
    if chosen is None:
        chosen = values_of[selected.pk]
    result.made = selected is not None
    result.label = " / ".join(
        offered[t.pk][chosen[t.pk]].shown for t in option_types if chosen[t.pk] in offered[t.pk]
    )
    if not result.buyable:
        result.alternatives = _alternatives(pickable, values_of, chosen, option_types)
    for option_type in option_types:
        choices = []
        for value in sorted(offered[option_type.pk].values(), key=_value_order):
            trial = {**chosen, option_type.pk: value.pk}
            matching = [v for v in pickable if _matches(values_of[v.pk], trial)]
            having = [v for v in pickable if values_of[v.pk][option_type.pk] == value.pk]
            choices.append(
                Choice(
                    value=value,
                    selected=chosen[option_type.pk] == value.pk,
                    enabled=any(v.available for v in matching),
                    exists=bool(matching),
                    possible=any(v.available for v in having),
                )
            )
        result.pickers.append(Picker(option_type=option_type, choices=choices))
    return result


def _alternatives(
    pickable: list[Variant],
    values_of: dict[int, dict[int, int]],
    chosen: dict[int, int],
    option_types: list[OptionType],
    limit: int = 4,
) -> list[Variant]:
    """Variants to buy that differ from the chosen values in one option, the later options
    varied first (the earlier choices kept longest), at most `limit`."""
    found = []
    for variant in pickable:
        if variant.available <= 0:
            continue
        differing = [
            i for i, t in enumerate(option_types) if values_of[variant.pk][t.pk] != chosen[t.pk]
        ]
        if len(differing) == 1:
            found.append((-differing[0], variant.position, variant.pk, variant))
    return [entry[-1] for entry in sorted(found, key=lambda entry: entry[:3])][:limit]


def gallery(
    images: list[ProductImage], selected_values: set[int]
) -> list[tuple[ProductImage, bool]]:
    """The images with whether each shows for the chosen values: a colour's own photos first
    when it has some, then the photos for every choice; the other colours' photos hidden."""
    own = [i for i in images if i.option_value_id in selected_values]
    general = [i for i in images if i.option_value_id is None]
    others = [i for i in images if i not in own and i not in general]
    return [(i, True) for i in own + general] + [(i, False) for i in others]


def as_json(choices: ProductChoices, option_types: list[OptionType]) -> str:
    """What product.js needs, embedded in the page (safe inside <script type=application/json>)."""
    data = {
        "options": [t.pk for t in option_types],
        "text": {
            "soldOut": gettext("(sold out)"),
            "notMade": gettext("(not made)"),
            # "%(choice)s" is the chosen values, "XL / Navy".
            "soldOutIn": gettext("Sold out in %(choice)s"),
            "notMadeIn": gettext("Not made in %(choice)s"),
        },
        "variants": [
            {
                "id": v.pk,
                "sku": v.sku,
                "label": v.label,
                "price": format_money(v.price),
                "available": min(v.available, 999),
                "stock": stock_text(v),
                "stockClass": stock_class(v),
                "values": {str(t): value for t, value in choices.values_of[v.pk].items()},
            }
            for v in choices.variants
        ],
    }
    # json.dumps leaves "</script>" intact; escaping < > & keeps the element closed.
    return (
        json.dumps(data, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


def stock_text(variant: Variant) -> str:
    if not variant.track_stock:
        return gettext("Available")
    if variant.in_stock > 5:
        return gettext("In stock")
    if variant.in_stock > 0:
        return ngettext("Only %(n)d left", "Only %(n)d left", variant.in_stock) % {
            "n": variant.in_stock
        }
    if variant.allow_backorder:
        return gettext("Backorder: ships when restocked")
    return gettext("Sold out")


def stock_class(variant: Variant) -> str:
    if not variant.track_stock or variant.in_stock > 5:
        return "in"
    if variant.in_stock > 0 or variant.allow_backorder:
        return "low"
    return "out"


def _matches(values: dict[int, int], wanted: dict[int, int]) -> bool:
    return all(values.get(t) == v for t, v in wanted.items())


def _value_order(value: OptionValue) -> tuple[int, int]:
    return (value.position, value.pk)
