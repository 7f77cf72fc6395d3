"""Exchanges: another variant of the same product instead of money.

- Approved: the replacements are held (orders/allocation.hold_for_exchange: not for sale
  meanwhile), or the approval is refused if they are no longer in stock.
- The price difference is fixed then: what the replacements cost now in the order's
  currency, less what the returned units were paid (orders.totals.refund_for_lines).
- Received: the merchant ships the replacements as a new shipment of the same order
  (`ship_replacements`): the held units leave the shelf, the shopper is told.
- Closed without shipping: the held units go back on sale.
- A dearer replacement: the shopper pays the difference from their order page (a payment
  link, a PaymentIntent of that amount, `start_difference_payment`), never automatically;
  the merchant sees whether it is paid before shipping.
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
from payments import services as payment_services
from payments.models import Payment
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


def difference_owed(request: ReturnRequest) -> Money | None:
    """What the shopper owes for a dearer replacement, or None."""
    if request.kind != ReturnRequest.Kind.EXCHANGE or not request.price_difference:
        return None
    if request.price_difference <= 0:
        return None
    return Money(request.price_difference, request.order.currency)


def difference_paid(request: ReturnRequest) -> bool:
    if not request.difference_payment_intent:
        return False
    return Payment.objects.filter(
        stripe_payment_intent_id=request.difference_payment_intent, status="succeeded"
    ).exists()


def start_difference_payment(*, return_id: int, actor: str):
    """The payment page's PaymentIntent for a dearer replacement's difference: one per
    return (its key), never charged until the shopper confirms it. ReturnError when nothing
    is owed, or it is paid already."""
    from returns.services import lock_return, log_step

    with transaction.atomic():
        order, request = lock_return(return_id)
        owed = difference_owed(request)
        if owed is None or request.status not in (Status.APPROVED, Status.RECEIVED):
            raise ReturnError(
                _("Nothing is owed for return %(number)s.") % {"number": request.number},
                ReturnErrorCode.NOTHING_OWED,
            )
        if difference_paid(request):
            raise ReturnError(
                _("The difference for return %(number)s is paid already.")
                % {"number": request.number},
                ReturnErrorCode.NOTHING_OWED,
            )
        session = payment_services.start_extra_payment(
            order_id=order.pk,
            amount=owed,
            idempotency_key=f"return-{request.pk}-difference",
            existing=request.difference_payment_intent,
        )
        if not request.difference_payment_intent:
            request.difference_payment_intent = session.payment.stripe_payment_intent_id
            request.save(update_fields=["difference_payment_intent", "updated_at"])
            log_step(
                order,
                request,
                OrderEvent.Kind.EXCHANGE_PAYMENT_REQUESTED,
                actor,
                f"payment of the difference {as_text(owed)} started by the shopper.",
            )
        return session
