"""The product page's variant picker: one choice per option, and the variant they make.

Rule (the same in static/js/product.js): options are chosen in their order. A value of the
first option is offered when some variant with it can be bought; a value of a later option
when the values chosen before it and this one make a variant that can be bought. Values that
make no variant, or only a sold-out one, are shown but cannot be chosen. Changing an earlier
option keeps the later choices where they still make a variant to buy, and otherwise moves
them to the first value that does, so a shopper never reaches a dead end.

Without JavaScript nothing re-evaluates a choice before the page reloads, so the server
disables only the values no choice of the other options could buy; the others it marks, and
"Show price and stock for this choice" or adding to the cart says what a choice makes.
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
    enabled: bool  # with the values chosen before it, it makes a variant to buy
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


def build(
    *,
    variants: list[Variant],
    option_types: list[OptionType],
    links: list[tuple[int, int, OptionValue]],
    sku: str = "",
) -> ProductChoices:
    """`links`: (variant id, option type id, value) for the product's variants."""
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
    if selected is None or (option_types and selected not in pickable):
        pool = pickable if option_types else variants
        selected = next((v for v in pool if v.available), pool[0] if pool else None)
    result = ProductChoices(variants=variants, selected=selected, values_of=values_of)
    if selected is None or not option_types:
        return result
    chosen = values_of[selected.pk]
    for index, option_type in enumerate(option_types):
        before = {t.pk: chosen[t.pk] for t in option_types[:index]}
        choices = []
        for value in sorted(offered[option_type.pk].values(), key=_value_order):
            wanted = {**before, option_type.pk: value.pk}
            matching = [v for v in pickable if _matches(values_of[v.pk], wanted)]
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
        "text": {"soldOut": gettext("(sold out)"), "notMade": gettext("(not made)")},
        "variants": [
            {
                "id": v.pk,
                "sku": v.sku,
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
