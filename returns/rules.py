"""What may be returned, read in one place: the pages (shown before a shopper starts), the API
and the services (checked again under the order's lock) all ask here.

- Only a delivered order (before that, it is a cancellation).
- Within RETURN_WINDOW_DAYS of delivery (settings; staff may override, logged).
- Not a final-sale product, nor one in a final-sale category (staff may override, logged).
- At most the units bought, less those refunded and those other returns hold.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import Order, OrderLine
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnLine


@dataclass(frozen=True)
class ReturnableLine:
    line: OrderLine
    units: int  # how many can still be returned
    final_sale: bool


@dataclass(frozen=True)
class Eligibility:
    """Whether the order can be returned now, why not, and what of each line."""

    order: Order
    window_ends: datetime | None
    lines: list[ReturnableLine] = field(default_factory=list)
    error: ReturnError | None = None

    @property
    def allowed(self) -> bool:
        return self.error is None

    @property
    def returnable(self) -> list[ReturnableLine]:
        return [r for r in self.lines if r.units > 0 and not r.final_sale]


def window_days() -> int:
    return settings.RETURN_WINDOW_DAYS


def window_ends(order: Order) -> datetime | None:
    if order.delivered_at is None:
        return None
    return order.delivered_at + timedelta(days=window_days())


def is_final_sale(line: OrderLine) -> bool:
    variant = line.variant
    if variant is None:
        return False
    product = variant.product
    return bool(product.final_sale or product.category.final_sale)


def units_left(order: Order) -> dict[int, int]:
    """Order line id -> units that can still be returned: bought, less refunded, less held
    by the order's other returns (requested, approved, received, or exchanged)."""
    held: dict[int, int] = {}
    for line in ReturnLine.objects.filter(request__order=order).select_related("request"):
        held[line.order_line_id] = held.get(line.order_line_id, 0) + line.units_held
    return {
        line.pk: max(line.quantity - line.refunded_quantity - held.get(line.pk, 0), 0)
        for line in order.lines.all()
    }


def check_order(order: Order, *, now: datetime | None = None, override: bool = False) -> None:
    """Raise ReturnError unless the order can be returned now (the window is waived when
    staff override the rules; delivery never is)."""
    if order.status == Order.Status.REFUNDED:
        raise ReturnError(
            _("Nothing in order %(number)s can be returned any more.") % {"number": order.number},
            ReturnErrorCode.NO_LINES,
        )
    if order.status != Order.Status.DELIVERED or order.delivered_at is None:
        raise ReturnError(
            _(
                "Order %(number)s has not been delivered yet, so it cannot be returned; "
                "to stop it, ask us to cancel it."
            )
            % {"number": order.number},
            ReturnErrorCode.NOT_DELIVERED,
        )
    ends = window_ends(order)
    if not override and (now or timezone.now()) > ends:
        raise ReturnError(
            _("The %(days)d days to return order %(number)s ended on %(date)s.")
            % {
                "days": window_days(),
                "number": order.number,
                "date": timezone.localtime(ends).date().isoformat(),
            },
            ReturnErrorCode.WINDOW_CLOSED,
        )


def eligibility(order: Order, *, now: datetime | None = None) -> Eligibility:
    lines = list(order.lines.select_related("variant__product__category"))
    left = units_left(order)
    returnable = [
        ReturnableLine(line=line, units=left.get(line.pk, 0), final_sale=is_final_sale(line))
        for line in lines
    ]
    error = None
    try:
        check_order(order, now=now)
    except ReturnError as refused:
        error = refused
    else:
        if not any(r.units > 0 and not r.final_sale for r in returnable):
            error = ReturnError(
                _("Nothing in order %(number)s can be returned any more.")
                % {"number": order.number},
                ReturnErrorCode.NO_LINES,
            )
    return Eligibility(order=order, window_ends=window_ends(order), lines=returnable, error=error)


def check_lines(order: Order, quantities: dict[int, int], *, override: bool = False) -> None:
    """Raise ReturnError unless every (order line id, units) can be returned."""
    if not quantities:
        raise ReturnError(_("Choose at least one item to return."), ReturnErrorCode.NO_LINES)
    lines = {line.pk: line for line in order.lines.select_related("variant__product__category")}
    left = units_left(order)
    for line_id, units in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise ReturnError(
                _("Order %(number)s has no item %(line)s.")
                % {"number": order.number, "line": line_id},
                ReturnErrorCode.UNKNOWN_LINE,
            )
        if not isinstance(units, int) or units < 1:
            raise ReturnError(
                _("Return at least one unit of each chosen item."), ReturnErrorCode.BAD_QUANTITY
            )
        if units > left[line_id]:
            raise ReturnError(
                _("Only %(n)d of %(product)s (%(variant)s) can still be returned.")
                % {"n": left[line_id], "product": line.product_name, "variant": line.variant_label},
                ReturnErrorCode.TOO_MANY_UNITS,
            )
        if not override and is_final_sale(line):
            raise ReturnError(
                _("%(product)s (%(variant)s) was a final sale and cannot be returned.")
                % {"product": line.product_name, "variant": line.variant_label},
                ReturnErrorCode.FINAL_SALE,
            )
