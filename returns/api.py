"""Returns in the API: what can be returned and the order's returns, and asking for one. The
same rules and service as the order page's form (returns/rules.py, services.py)."""

from __future__ import annotations

from ninja import Query, Router, Status

from orders.api import OrderKey, find_order
from returns import rules, selectors, services
from returns.exceptions import ReturnError, ReturnErrorCode
from returns.models import ReturnReason, ReturnRequest
from returns.schemas import ReturnIn, ReturnOut, ReturnReasonOut, ReturnsOut
from shop.api.errors import COMMON, WITH_CONFLICT, ApiError

router = Router(tags=["returns"])

STATUS = {
    ReturnErrorCode.NOT_DELIVERED: (409, None),
    ReturnErrorCode.WINDOW_CLOSED: (409, None),
    ReturnErrorCode.FINAL_SALE: (409, "lines"),
    ReturnErrorCode.NO_LINES: (422, "lines"),
    ReturnErrorCode.UNKNOWN_LINE: (422, "lines"),
    ReturnErrorCode.TOO_MANY_UNITS: (409, "lines"),
    ReturnErrorCode.BAD_QUANTITY: (422, "lines"),
    ReturnErrorCode.BAD_REASON: (422, "reason_id"),
    ReturnErrorCode.PHOTOS_REQUIRED: (422, "reason_id"),
    ReturnErrorCode.BAD_REPLACEMENT: (422, "lines"),
}


def _refuse(error: ReturnError) -> ApiError:
    status, field = STATUS.get(error.code, (409, None))
    return ApiError(status, str(error.code), str(error), field)


def return_out(request: ReturnRequest) -> dict:
    return {
        "number": request.number,
        "status": request.status,
        "kind": request.kind,
        "reason": request.reason.name,
        "comment": request.comment,
        "instructions": request.instructions if request.status != "requested" else "",
        "label_url": request.label_url,
        "decline_reason": request.decline_reason,
        "refunded_amount": (
            str(request.refunded_amount.amount) if request.refunded_amount is not None else None
        ),
        "currency": request.order.currency,
        "lines": [
            {
                "line_id": line.order_line_id,
                "product_name": line.order_line.product_name,
                "variant_label": line.order_line.variant_label,
                "quantity": line.quantity,
                "quantity_received": line.quantity_received,
                "replacement": str(line.replacement_variant or ""),
            }
            for line in request.lines.all()
        ],
        "created_at": request.created_at.isoformat(),
    }


@router.get(
    "/return-reasons",
    response={200: list[ReturnReasonOut], **COMMON},
    summary="Why a shopper may return something",
    operation_id="return_reasons",
    auth=None,
)
def reasons(request):
    """The merchant's list of reasons, in the request's language."""
    return [
        {"id": r.pk, "name": r.name, "needs_photos": r.needs_photos}
        for r in ReturnReason.objects.filter(is_active=True)
    ]


@router.get(
    "/orders/{number}/returns",
    response={200: ReturnsOut, **WITH_CONFLICT},
    summary="An order's returns, and what can still be returned",
    operation_id="order_returns",
)
def order_returns(request, number: str, access: Query[OrderKey]):
    """To the order's signed-in owner or whoever holds its key (anyone else: 404)."""
    order = find_order(request, number, access.key)
    eligibility = rules.eligibility(order)
    return {
        "can_return": eligibility.allowed,
        "refused": str(eligibility.error.code) if eligibility.error else None,
        "message": str(eligibility.error) if eligibility.error else "",
        "window_ends": eligibility.window_ends.isoformat() if eligibility.window_ends else None,
        "lines": [
            {
                "line_id": r.line.pk,
                "product_name": r.line.product_name,
                "variant_label": r.line.variant_label,
                "units": r.units,
                "final_sale": r.final_sale,
            }
            for r in eligibility.lines
        ],
        "returns": [return_out(r) for r in selectors.returns_of(order)],
    }


@router.post(
    "/orders/{number}/returns",
    response={201: ReturnOut, **WITH_CONFLICT},
    summary="Ask to return items of a delivered order",
    operation_id="request_return",
)
def request_return(request, number: str, access: Query[OrderKey], body: ReturnIn):
    """Lines and units of a delivered order, within the return window, not a final sale;
    for an exchange, each line names its replacement. A reason that asks for photos needs
    the order page's form (photos are uploaded there)."""
    order = find_order(request, number, access.key)
    quantities: dict[int, int] = {}
    for line in body.lines:
        quantities[line.line_id] = quantities.get(line.line_id, 0) + line.quantity
    replacements = {
        line.line_id: line.replacement_variant_id
        for line in body.lines
        if line.replacement_variant_id is not None
    }
    user = request.auth.user
    try:
        created = services.request_return(
            order_id=order.pk,
            quantities=quantities,
            reason_id=body.reason_id,
            actor=user.get_username() if user.is_authenticated else order.email,
            comment=body.comment,
            kind=body.kind,
            replacements=replacements,
        )
    except ReturnError as error:
        raise _refuse(error) from error
    return Status(201, return_out(created))
