"""A received return's money, given back once.

The refund goes through the payments' one refund path (payments/refunds.refund: a pending
Refund row before Stripe is asked, an idempotency key, the order's lock, never more than is
left). `_give_back` is the only call to it, so that where the money goes (card today; store
credit and gift cards when they exist) is decided in one place.

Never twice, whatever retries or concurrent clicks:
1. Under the return's row lock (after the order's), a claim is taken: `refund_started_at`. A
   second request that finds a fresh claim, or a pending refund for the return's key, is told
   the refund is under way and does nothing.
2. The key is `return-<id>-refund-<attempt>`; a new attempt (a new key) only after the
   previous attempt's Refund failed at Stripe. A refund that succeeded but was not yet
   recorded on the return (a crash, a refund Stripe finished later) is found by its key and
   recorded, never made again.
3. A Stripe failure leaves the return received, with the error on it, and clears the claim:
   the merchant can retry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from moneyed import Money

from orders import totals
from orders.exceptions import RefundError
from orders.models import OrderEvent
from payments import refunds
from payments.models import Refund
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnRequest
from returns.services import lock_return, log_step, refused_step
from returns.signals import return_changed
from shop.money import as_text

Status = ReturnRequest.Status
DESTINATIONS = ("card",)  # store credit and gift cards join when giftcards/ exists
# A claim older than this was left by a process that died: the key decides what happened.
CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class Claim:
    key: str
    lines: dict[int, int]  # order line id -> units received (a refund's return)
    shipping: Money | None
    reason: str
    amount: Money | None = None  # an exchange's replacements cost less: the difference


def refund_return(
    *, return_id: int, actor: str, include_shipping: bool = False, destination: str = "card"
) -> ReturnRequest:
    """Give back what the received units were paid (orders.totals.refund_for_lines), and the
    shipping if the merchant chooses; for an exchange whose replacements cost less, the
    difference. Returns the return (refunded, or still received while
    Stripe finishes a pending refund); raises ReturnError when Stripe refuses (the return
    stays received with the error, to retry), when a refund is under way, or when the
    return is not received."""
    if destination not in DESTINATIONS:
        raise ReturnError(
            _("Refunds go back to the card that paid."), ReturnErrorCode.NOTHING_TO_REFUND
        )
    claim = _claim(return_id=return_id, include_shipping=include_shipping)
    if isinstance(claim, ReturnRequest):
        return claim  # refunded already
    try:
        made = _give_back(return_id=return_id, claim=claim, actor=actor, destination=destination)
    except RefundError as error:
        _failed(return_id=return_id, actor=actor, message=str(error))
        raise ReturnError(str(error), ReturnErrorCode.REFUND_FAILED) from error
    if made.status == Refund.Status.FAILED:
        message = made.failure_message or _("The refund failed.")
        _failed(return_id=return_id, actor=actor, message=message)
        raise ReturnError(message, ReturnErrorCode.REFUND_FAILED)
    if made.status == Refund.Status.PENDING:
        return ReturnRequest.objects.get(pk=return_id)  # Stripe finishes it; a retry records it
    return _finish(return_id=return_id, refund=made, actor=actor)


def _give_back(*, return_id: int, claim: Claim, actor: str, destination: str) -> Refund:
    """The one place a return's money leaves: today, to the card through payments."""
    order_id = ReturnRequest.objects.values_list("order_id", flat=True).get(pk=return_id)
    return refunds.refund(
        order_id=order_id,
        actor=actor,
        reason=claim.reason,
        amount=claim.amount,
        lines=claim.lines,
        plus=claim.shipping,
        idempotency_key=claim.key,
    )


def _claim(*, return_id: int, include_shipping: bool) -> Claim | ReturnRequest:
    with transaction.atomic():
        order, request = lock_return(return_id)
        if request.status == Status.REFUNDED:
            return request
        if request.status != Status.RECEIVED:
            raise refused_step(request, _("refunded"))
        owed = _exchange_difference_owed(order, request)
        earlier = Refund.objects.filter(idempotency_key=request.idempotency_key()).first()
        if earlier is not None and earlier.status == Refund.Status.SUCCEEDED:
            return _record(order, request, earlier, actor=earlier.actor)
        if earlier is not None and earlier.status == Refund.Status.PENDING:
            raise _under_way(request)
        started = request.refund_started_at
        if earlier is None and started and timezone.now() - started < CLAIM_TIMEOUT:
            raise _under_way(request)
        if earlier is not None:  # failed: a new attempt, a new key
            request.refund_attempt += 1
        if owed is not None:
            request.refund_started_at = timezone.now()
            request.save(update_fields=["refund_attempt", "refund_started_at", "updated_at"])
            return Claim(
                key=request.idempotency_key(),
                lines={},
                shipping=None,
                reason=f"Return {request.number}: the exchange costs less",
                amount=owed,
            )
        lines = {
            line.order_line_id: line.quantity_received
            for line in request.lines.all()
            if line.quantity_received
        }
        if not lines:
            raise ReturnError(
                _("Nothing of return %(number)s arrived, so there is nothing to refund; close it.")
                % {"number": request.number},
                ReturnErrorCode.NOTHING_TO_REFUND,
            )
        shipping = None
        if include_shipping:
            if shipping_refunded(order):
                raise ReturnError(
                    _("The shipping of order %(number)s was refunded already.")
                    % {"number": order.number},
                    ReturnErrorCode.NOTHING_TO_REFUND,
                )
            shipping = totals.refund_for_shipping(order)
            if shipping.amount <= 0:
                shipping = None
        request.refund_started_at = timezone.now()
        request.refund_shipping = shipping is not None
        request.save(
            update_fields=["refund_attempt", "refund_started_at", "refund_shipping", "updated_at"]
        )
        return Claim(
            key=request.idempotency_key(),
            lines=lines,
            shipping=shipping,
            reason=f"Return {request.number} ({request.reason.name})",
        )


def _exchange_difference_owed(order, request: ReturnRequest) -> Money | None:
    """None for a refund's return; for an exchange, what its replacements cost less than
    the units sent back (ReturnError when they cost as much or more: nothing to refund)."""
    if request.kind != ReturnRequest.Kind.EXCHANGE:
        return None
    if request.price_difference is None or request.price_difference >= 0:
        raise ReturnError(
            _("The exchange of return %(number)s costs no less: there is nothing to refund.")
            % {"number": request.number},
            ReturnErrorCode.NOTHING_TO_REFUND,
        )
    return Money(-request.price_difference, order.currency)


def shipping_refunded(order) -> bool:
    return ReturnRequest.objects.filter(
        order=order, refund_shipping=True, refunded_at__isnull=False
    ).exists()


def _under_way(request: ReturnRequest) -> ReturnError:
    return ReturnError(
        _("A refund of return %(number)s is under way; look again in a minute.")
        % {"number": request.number},
        ReturnErrorCode.REFUND_UNDER_WAY,
    )


def _record(order, request: ReturnRequest, refund: Refund, *, actor: str) -> ReturnRequest:
    request.move_to(Status.REFUNDED)
    request.refunded_amount = refund.amount
    request.refunded_at = timezone.now()
    request.refund_started_at = None
    request.refund_error = ""
    request.save()
    log_step(
        order,
        request,
        OrderEvent.Kind.RETURN_REFUNDED,
        actor,
        f"{as_text(refund.amount)} refunded ({refund.stripe_refund_id or refund.idempotency_key}).",
        {"refund": refund.pk, "amount": str(refund.amount.amount)},
    )
    return_changed.send(sender=ReturnRequest, return_request=request, step=Status.REFUNDED)
    return request


def record_if_ours(*, order, refund: Refund) -> None:
    """A refund made for a return succeeded (perhaps later, at Stripe): the return is
    refunded. Called in the refund's transaction, which holds the order's lock."""
    request = (
        ReturnRequest.objects.select_for_update()
        .filter(order=order, status=Status.RECEIVED)
        .filter(pk=_return_id_of(refund.idempotency_key))
        .first()
    )
    if request is not None and request.idempotency_key() == refund.idempotency_key:
        _record(order, request, refund, actor=refund.actor)


def _return_id_of(key: str) -> int | None:
    parts = key.split("-")  # return-<id>-refund-<attempt>
    return int(parts[1]) if len(parts) == 4 and parts[1].isdigit() else None


def _finish(*, return_id: int, refund: Refund, actor: str) -> ReturnRequest:
    with transaction.atomic():
        order, request = lock_return(return_id)
        if request.status == Status.REFUNDED:
            return request
        return _record(order, request, refund, actor=actor)


def _failed(*, return_id: int, actor: str, message: str) -> None:
    with transaction.atomic():
        order, request = lock_return(return_id)
        request.refund_started_at = None
        request.refund_error = message[:2000]
        request.save(update_fields=["refund_started_at", "refund_error", "updated_at"])
        log_step(
            order,
            request,
            OrderEvent.Kind.RETURN_REFUND_FAILED,
            actor,
            f"the refund failed: {message}",
        )
