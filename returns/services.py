"""Returns, step by step: asked, approved or declined, received (counted, sellable units back
on the shelf), closed. The refund is refunding.py's, exchanges exchanges.py's.

Each step is one transaction. Lock order, as everywhere an order changes: the order row first,
then the return's row, then variants in primary-key order (orders/allocation.py). Every step
writes an OrderEvent and announces itself (signals.return_changed) for the shopper's email.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orders import allocation
from orders import services as order_services
from orders.models import Order, OrderEvent
from returns import exchanges, rules
from returns import photos as return_photos
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnLine, ReturnPhoto, ReturnReason, ReturnRequest
from returns.signals import return_changed
from shop.catalog.models import Variant

Status = ReturnRequest.Status
_KIND_WORDS = {ReturnRequest.Kind.REFUND: "a refund", ReturnRequest.Kind.EXCHANGE: "an exchange"}
MAX_PHOTOS = 5


def lock_return(return_id: int) -> tuple[Order, ReturnRequest]:
    """The return's order and the return, locked in that order."""
    order_id = ReturnRequest.objects.values_list("order_id", flat=True).get(pk=return_id)
    order = Order.objects.select_for_update().get(pk=order_id)
    return order, ReturnRequest.objects.select_for_update().get(pk=return_id)


def refused_step(request: ReturnRequest, step: str) -> ReturnError:
    return ReturnError(
        _("Return %(number)s cannot be %(step)s: it is %(status)s.")
        % {"number": request.number, "step": step, "status": request.get_status_display().lower()},
        ReturnErrorCode.BAD_STATUS,
    )


def log_step(order, request, kind, actor, message, data=None) -> None:
    order_services.record_event(
        order=order,
        kind=kind,
        actor=actor,
        message=f"Return {request.number}: {message}",
        data={"return": request.pk, **(data or {})},
    )


def _overridden(order: Order, quantities: dict[int, int]) -> bool:
    """Whether the rules that staff may waive (window, final sale) would refuse this."""
    try:
        rules.check_order(order)
        rules.check_lines(order, quantities)
    except ReturnError as error:
        return error.code in (ReturnErrorCode.WINDOW_CLOSED, ReturnErrorCode.FINAL_SALE)
    return False


def _replacements(order: Order, quantities, replacements) -> dict[int, Variant]:
    """Order line id -> the replacement variant: another variant of the same product."""
    lines = {line.pk: line for line in order.lines.select_related("variant")}
    chosen = {}
    for line_id in quantities:
        variant_id = (replacements or {}).get(line_id)
        line = lines[line_id]
        variant = (
            Variant.objects.filter(pk=variant_id, product__is_published=True).first()
            if isinstance(variant_id, int)
            else None
        )
        if (
            variant is None
            or line.variant is None
            or variant.product_id != line.variant.product_id
            or variant.pk == line.variant_id
        ):
            raise ReturnError(
                _("Choose another size or colour of %(product)s to exchange it for.")
                % {"product": line.product_name},
                ReturnErrorCode.BAD_REPLACEMENT,
            )
        chosen[line_id] = variant
    return chosen


def request_return(
    *,
    order_id: int,
    quantities: dict[int, int],
    reason_id: int | None,
    actor: str,
    comment: str = "",
    kind: str = ReturnRequest.Kind.REFUND,
    replacements: dict[int, int] | None = None,
    photos: list = (),
    override: bool = False,
) -> ReturnRequest:
    """Ask to send back `quantities` (order line id -> units) of a delivered order. Raises
    ReturnError (nothing changes) if a rule refuses it; `override` (staff only) waives the
    window and final sale, and is logged with `actor`."""
    reason = (
        ReturnReason.objects.filter(pk=reason_id, is_active=True).first() if reason_id else None
    )
    if reason is None:
        raise ReturnError(_("Choose why you are returning it."), ReturnErrorCode.BAD_REASON)
    if kind not in ReturnRequest.Kind.values:
        raise ReturnError(_("Choose a refund or an exchange."), ReturnErrorCode.BAD_REASON)
    if len(photos) > MAX_PHOTOS:
        raise ReturnError(
            _("Add at most %(n)d photos.") % {"n": MAX_PHOTOS}, ReturnErrorCode.BAD_PHOTO
        )
    if reason.needs_photos and not photos and not override:
        raise ReturnError(
            _("Add a photo of the damage, please: it helps us settle this quickly."),
            ReturnErrorCode.PHOTOS_REQUIRED,
        )
    cleaned_photos = [return_photos.clean(photo) for photo in photos]  # ReturnError if bad
    comment = comment.strip()[:2000]
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        rules.check_order(order, override=override)
        rules.check_lines(order, quantities, override=override)
        waived = override and _overridden(order, quantities)
        chosen = (
            _replacements(order, quantities, replacements)
            if kind == ReturnRequest.Kind.EXCHANGE
            else {}
        )
        request = ReturnRequest.objects.create(
            order=order,
            kind=kind,
            reason=reason,
            comment=comment,
            requested_by=actor[:200],
            rules_overridden=waived,
            overridden_by=actor[:200] if waived else "",
        )
        ReturnLine.objects.bulk_create(
            ReturnLine(
                request=request,
                order_line_id=line_id,
                quantity=units,
                replacement_variant=chosen.get(line_id),
            )
            for line_id, units in sorted(quantities.items())
        )
        for content in cleaned_photos:
            photo = ReturnPhoto(request=request, width=content.width, height=content.height)
            photo.image.save(content.name, content, save=False)
            photo.save()
        units = sum(quantities.values())
        log_step(
            order,
            request,
            OrderEvent.Kind.RETURN_REQUESTED,
            actor,
            f"{units} unit(s) asked back for {_KIND_WORDS[request.kind]} ({reason.name}).",
            {"lines": {str(k): v for k, v in quantities.items()}},
        )
        if waived:
            log_step(
                order,
                request,
                OrderEvent.Kind.RETURN_RULES_OVERRIDDEN,
                actor,
                f"{actor} waived the return window or final sale.",
            )
        return_changed.send(sender=ReturnRequest, return_request=request, step=Status.REQUESTED)
        return request


def approve(
    *, return_id: int, actor: str, instructions: str = "", label_url: str = ""
) -> ReturnRequest:
    """The merchant accepts the return and says how to send it back; an exchange's
    replacements are held from now on (ReturnError if they are no longer in stock)."""
    with transaction.atomic():
        order, request = lock_return(return_id)
        if request.status == Status.APPROVED:
            return request
        if not request.can_move_to(Status.APPROVED):
            raise refused_step(request, _("approved"))
        if request.kind == ReturnRequest.Kind.EXCHANGE:
            exchanges.hold_replacements(order=order, request=request, actor=actor)
        request.move_to(Status.APPROVED)
        request.instructions = instructions.strip()
        request.label_url = label_url.strip()
        request.decided_at = timezone.now()
        request.save()
        log_step(order, request, OrderEvent.Kind.RETURN_APPROVED, actor, "approved.")
        return_changed.send(sender=ReturnRequest, return_request=request, step=Status.APPROVED)
        return request


def decline(*, return_id: int, actor: str, reason: str) -> ReturnRequest:
    """The merchant refuses the return, saying why (the shopper reads it)."""
    reason = reason.strip()
    if not reason:
        raise ReturnError(
            _("Say why the return is declined: the shopper reads it."),
            ReturnErrorCode.DECLINE_REASON_REQUIRED,
        )
    with transaction.atomic():
        order, request = lock_return(return_id)
        if request.status == Status.DECLINED:
            return request
        if not request.can_move_to(Status.DECLINED):
            raise refused_step(request, _("declined"))
        request.move_to(Status.DECLINED)
        request.decline_reason = reason[:2000]
        request.decided_at = timezone.now()
        request.save()
        log_step(order, request, OrderEvent.Kind.RETURN_DECLINED, actor, f"declined: {reason}")
        return_changed.send(sender=ReturnRequest, return_request=request, step=Status.DECLINED)
        return request


def receive(*, return_id: int, actor: str, counts: dict[int, tuple[int, int]]) -> ReturnRequest:
    """What arrived: `counts` is return line id -> (units received, units sellable again).

    The sellable units go back on the shelf in this same transaction, once: the return moves
    to received only from approved, under its lock, and each line remembers it was restocked.
    """
    with transaction.atomic():
        order, request = lock_return(return_id)
        if not request.can_move_to(Status.RECEIVED):
            raise refused_step(request, _("received"))
        lines = list(request.lines.select_related("order_line"))
        if set(counts) != {line.pk for line in lines}:
            raise ReturnError(_("Count every item of the return."), ReturnErrorCode.BAD_COUNT)
        for line in lines:
            received, sellable = counts[line.pk]
            if not (0 <= received <= line.quantity and 0 <= sellable <= received):
                raise ReturnError(
                    _(
                        "%(product)s: between 0 and %(n)d units can be received, and no more "
                        "sellable than received."
                    )
                    % {"product": line.order_line.product_name, "n": line.quantity},
                    ReturnErrorCode.BAD_COUNT,
                )
        back: dict[int, int] = {}
        for line in lines:
            line.quantity_received, line.quantity_sellable = counts[line.pk]
            variant_id = line.order_line.variant_id
            if line.quantity_sellable and variant_id is not None and not line.restocked:
                back[variant_id] = back.get(variant_id, 0) + line.quantity_sellable
                line.restocked = True
        allocation.restock(order=order, quantities=back)
        ReturnLine.objects.bulk_update(
            lines, ["quantity_received", "quantity_sellable", "restocked"]
        )
        request.move_to(Status.RECEIVED)
        request.received_at = timezone.now()
        request.save()
        received = sum(line.quantity_received for line in lines)
        sellable = sum(line.quantity_sellable for line in lines)
        log_step(
            order,
            request,
            OrderEvent.Kind.RETURN_RECEIVED,
            actor,
            f"{received} unit(s) received, {sellable} sellable.",
            {"counts": {str(k): list(v) for k, v in counts.items()}},
        )
        if back:
            log_step(
                order,
                request,
                OrderEvent.Kind.RETURN_RESTOCKED,
                actor,
                f"{sum(back.values())} unit(s) back in stock.",
                {"variants": {str(k): v for k, v in back.items()}},
            )
        return_changed.send(sender=ReturnRequest, return_request=request, step=Status.RECEIVED)
        return request


def close(*, return_id: int, actor: str, note: str = "") -> ReturnRequest:
    """End the return: nothing arrived, nothing more is owed, or the exchange is done. An
    exchange's replacements still held go back on sale."""
    with transaction.atomic():
        order, request = lock_return(return_id)
        if request.status == Status.CLOSED:
            return request
        if not request.can_move_to(Status.CLOSED):
            raise refused_step(request, _("closed"))
        if request.refund_started_at is not None:
            raise ReturnError(
                _("A refund of return %(number)s is under way.") % {"number": request.number},
                ReturnErrorCode.REFUND_UNDER_WAY,
            )
        if request.kind == ReturnRequest.Kind.EXCHANGE:
            exchanges.release_replacements(order=order, request=request)
        request.move_to(Status.CLOSED)
        request.save()
        log_step(order, request, OrderEvent.Kind.RETURN_CLOSED, actor, f"closed. {note}".strip())
        return_changed.send(sender=ReturnRequest, return_request=request, step=Status.CLOSED)
        return request
