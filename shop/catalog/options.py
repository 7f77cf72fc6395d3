"""A variant's option values: the VariantOption rows, and the `options` dict written from them.

Rule: a variant has at most one value per option type (a database constraint), only of the
option types its product offers, and no two variants of a product have the same values. The
rows are the truth; `Variant.options` ({code: value}, in the options' order) is rewritten here
whenever they change, for labels, filters and search. Callers refresh the product's listing
columns in the same transaction (catalog/listings.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from shop.catalog.models import OptionType, OptionValue, Product, Variant, VariantOption

SWATCH_CODES = {"colour", "color"}


def set_variant_options(*, variant: Variant, values: Iterable[OptionValue]) -> Variant:
    """Give the variant exactly these values (one per option type of its product)."""
    values = list(values)
    with transaction.atomic():
        types = {t.pk: t for t in variant.product.option_types.all()}
        by_type: dict[int, OptionValue] = {}
        for value in values:
            if value.option_type_id not in types:
                raise ValidationError(
                    _("%(sku)s: %(option)s is not an option of %(product)s.")
                    % {"sku": variant.sku, "option": value.option_type, "product": variant.product}
                )
            if value.option_type_id in by_type:
                raise ValidationError(
                    _("%(sku)s: one %(option)s only, not %(first)s and %(second)s.")
                    % {
                        "sku": variant.sku,
                        "option": value.option_type.name.lower(),
                        "first": by_type[value.option_type_id],
                        "second": value,
                    }
                )
            by_type[value.option_type_id] = value
        chosen = sorted(by_type.values(), key=lambda v: _type_order(types[v.option_type_id]))
        wanted = _as_dict(chosen, types)
        same = next(
            (
                sku
                for sku, options in Variant.objects.filter(product_id=variant.product_id)
                .exclude(pk=variant.pk)
                .values_list("sku", "options")
                if options == wanted
            ),
            None,
        )
        if same and chosen:
            raise ValidationError(
                _("%(sku)s: %(other)s already is %(values)s.")
                % {"sku": variant.sku, "other": same, "values": " / ".join(v.value for v in chosen)}
            )
        VariantOption.objects.filter(variant=variant).exclude(
            value__in=[v.pk for v in chosen]
        ).delete()
        have = set(VariantOption.objects.filter(variant=variant).values_list("value_id", flat=True))
        VariantOption.objects.bulk_create(
            [
                VariantOption(variant=variant, option_type_id=v.option_type_id, value=v)
                for v in chosen
                if v.pk not in have
            ]
        )
        variant.options = wanted
        variant.option_labels = _labels(chosen)
        Variant.objects.filter(pk=variant.pk).update(
            options=variant.options, option_labels=variant.option_labels
        )
        return variant


def assign_options(*, variant: Variant, options: Mapping[str, str]) -> Variant:
    """Give the variant these values by name ({"size": "M"}, as in a CSV file or the demo),
    creating the option types and values that do not exist yet and offering them on the
    product."""
    values = []
    with transaction.atomic():
        for position, (name, text) in enumerate(options.items()):
            option_type = option_type_named(str(name), position=position)
            value, _created = OptionValue.objects.get_or_create(
                option_type=option_type,
                value=str(text).strip(),
                defaults={"position": _next_position(option_type)},
            )
            variant.product.option_types.add(option_type)
            values.append(value)
        return set_variant_options(variant=variant, values=values)


def option_type_named(name: str, *, position: int = 0) -> OptionType:
    code = slugify(name)[:60] or "option"
    option_type, _created = OptionType.objects.get_or_create(
        code=code,
        defaults={
            "name": name.strip()[:60].replace("_", " ").capitalize() or "Option",
            "display": OptionType.SWATCHES if code in SWATCH_CODES else OptionType.BUTTONS,
            "position": position,
        },
    )
    return option_type


def refresh_option_labels(*, product: Product) -> None:
    """Rewrite the `options` of the product's variants from their rows (after its option
    types or their order changed)."""
    types = {t.pk: t for t in product.option_types.all()}
    rows: dict[int, list[OptionValue]] = {}
    for link in VariantOption.objects.filter(variant__product=product).select_related("value"):
        if link.option_type_id in types:
            rows.setdefault(link.variant_id, []).append(link.value)
        else:  # the product no longer offers that option
            link.delete()
    for variant in product.variants.all():
        chosen = sorted(
            rows.get(variant.pk, []), key=lambda v: _type_order(types[v.option_type_id])
        )
        options = _as_dict(chosen, types)
        labels = _labels(chosen)
        if options != variant.options or labels != variant.option_labels:
            Variant.objects.filter(pk=variant.pk).update(options=options, option_labels=labels)


def _type_order(option_type: OptionType) -> tuple[int, str]:
    return (option_type.position, option_type.name)


def _as_dict(values: list[OptionValue], types: dict[int, OptionType]) -> dict[str, str]:
    return {types[v.option_type_id].code: v.value for v in values}


def _labels(values: list[OptionValue]) -> dict[str, str]:
    """The values as each language reads them ("Waldgrün / M"), when a label differs from
    the values somewhere; else nothing (the label is the values)."""
    plain = " / ".join(v.value for v in values)
    per_language = [v.labels() for v in values]
    labels = {
        code: " / ".join(labels[code] for labels in per_language)
        for code, _name in settings.LANGUAGES
    }
    return labels if any(text != plain for text in labels.values()) else {}


def _next_position(option_type: OptionType) -> int:
    return option_type.values.count()
