"""What the engine's hints and refusals say to shoppers, in their language."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from promotions import engine
from shop.money import as_text, money


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def hint_text(hint: engine.Hint, *, currency: str, names: dict[int, str]) -> str:
    """ "Add 1 more Hoodie (M) to get one at 50% off", "Spend $12.00 more to get 15% off your
    order", "Spend $5.00 more for Free shipping"."""
    if hint.quantity and hint.line_id is not None and hint.line_id in names:
        item = names[hint.line_id]
        if hint.percent is not None and hint.percent >= 100:
            return ngettext(
                "Add %(n)d more %(item)s to get one free.",
                "Add %(n)d more %(item)s to get one free.",
                hint.quantity,
            ) % {"n": hint.quantity, "item": item}
        return ngettext(
            "Add %(n)d more %(item)s to get one at %(percent)s%% off.",
            "Add %(n)d more %(item)s to get one at %(percent)s%% off.",
            hint.quantity,
        ) % {"n": hint.quantity, "item": item, "percent": _percent(hint.percent or Decimal(0))}
    if hint.quantity:
        return ngettext(
            "Add %(n)d more item for %(name)s.",
            "Add %(n)d more items for %(name)s.",
            hint.quantity,
        ) % {"n": hint.quantity, "name": hint.name}
    amount = as_text(money(hint.amount or 0, currency))
    if hint.percent is not None:
        return _("Spend %(amount)s more to get %(percent)s%% off your order.") % {
            "amount": amount,
            "percent": _percent(hint.percent),
        }
    if hint.off is not None:
        return _("Spend %(amount)s more to get %(off)s off your order.") % {
            "amount": amount,
            "off": as_text(money(hint.off, currency)),
        }
    return _("Spend %(amount)s more for %(name)s.") % {"amount": amount, "name": hint.name}
