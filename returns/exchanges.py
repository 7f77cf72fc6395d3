"""Exchanges: another variant of the same product instead of money.

- Approved: the replacements are held (orders/allocation.hold_for_exchange: not for sale
  meanwhile), or the approval is refused if they are no longer in stock.
- The price difference is fixed then: what the replacements cost now in the order's
  currency, less what the returned units were paid (orders.totals.refund_for_lines).
- Received: the merchant ships the replacements as a new shipment of the same order
  (`ship_replacements`): the held units leave the shelf, the shopper is told.
- Closed without shipping: the held units go back on sale.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from moneyed import Money

from orders import allocation, totals
from orders.exceptions import OutOfStock
from orders.models import Order, OrderEvent
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnRequest
from returns.signals import return_changed
from shop.catalog.prices import price_in
from shop.money import as_text, money

Status = ReturnRequest.Status


def _held(request: ReturnRequest) -> dict[int, int]:
    held: dict[int, int] = {}
    for line in request.lines.all():
        if line.replacement_variant_id and line.replacement_held:
            held[line.replacement_variant_id] = (
                held.get(line.replacement_variant_id, 0) + line.quantity
            )
    return held


def price_difference(order: Order, request: ReturnRequest) -> Money:
    """The replacements' price now less what the returned units were paid (> 0: the shopper
    owes it; < 0: it is refunded)."""
    lines = list(request.lines.select_related("replacement_variant"))
    paid = totals.refund_for_lines(order, {line.order_line_id: line.quantity for line in lines})
    cost = Decimal(0)
    for line in lines:
        unit = price_in(line.replacement_variant, order.currency)
        if unit is None:
            raise ReturnError(
                _("%(variant)s is not sold in %(currency)s.")
                % {"variant": line.replacement_variant, "currency": order.currency},
                ReturnErrorCode.BAD_REPLACEMENT,
            )
        cost += unit.amount * line.quantity
    if not order.prices_include_tax:
        cost = cost * (1 + order.tax_rate)
    return money(cost - paid.amount, order.currency)


def hold_replacements(*, order: Order, request: ReturnRequest, actor: str) -> None:
    """Called by services.approve under the order's and the return's locks."""
    from returns.services import log_step

    lines = list(request.lines.all())
    wanted: dict[int, int] = {}
    for line in lines:
        wanted[line.replacement_variant_id] = (
            wanted.get(line.replacement_variant_id, 0) + line.quantity
        )
    difference = price_difference(order, request)
    try:
        allocation.hold_for_exchange(order=order, quantities=wanted)
    except OutOfStock as error:
        raise ReturnError(str(error), ReturnErrorCode.OUT_OF_STOCK) from error
    for line in lines:
        line.replacement_held = True
        line.save(update_fields=["replacement_held"])
    request.price_difference = difference.amount
    log_step(
        order,
        request,
        OrderEvent.Kind.EXCHANGE_RESERVED,
        actor,
        f"replacements held; price difference {as_text(difference)}.",
        {"variants": {str(k): v for k, v in wanted.items()}},
    )


def release_replacements(*, order: Order, request: ReturnRequest) -> None:
    """Called by services.close: replacements never shipped go back on sale."""
    held = _held(request)
    if held and request.replacement_shipped_at is None:
        allocation.release_exchange(order=order, quantities=held)
        request.lines.update(replacement_held=False)


def ship_replacements(
    *, return_id: int, actor: str, carrier: str, tracking_number: str = ""
) -> ReturnRequest:
    """The replacements leave as a new shipment of the order, once the originals are in."""
    from returns.services import lock_return, log_step, refused_step

    carrier, tracking_number = carrier.strip(), tracking_number.strip()
    if not carrier:
        raise ReturnError(_("Enter the carrier."), ReturnErrorCode.BAD_STATUS)
    with transaction.atomic():
        order, request = lock_return(return_id)
        if request.replacement_shipped_at is not None:
            return request
        if request.kind != ReturnRequest.Kind.EXCHANGE or request.status != Status.RECEIVED:
            raise refused_step(request, _("shipped"))
        allocation.ship_exchange(order=order, quantities=_held(request))
        request.replacement_carrier = carrier[:100]
        request.replacement_tracking_number = tracking_number[:100]
        request.replacement_shipped_at = timezone.now()
        request.save()
        log_step(
            order,
            request,
            OrderEvent.Kind.EXCHANGE_SHIPPED,
            actor,
            f"replacements shipped with {carrier}"
            + (f", tracking number {tracking_number}." if tracking_number else "."),
        )
        return_changed.send(sender=ReturnRequest, return_request=request, step="exchange_shipped")
        return request
