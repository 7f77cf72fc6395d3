"""Read paths for returns: an order's returns as its page and the API show them, the queue."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from orders.models import Order
from returns.models import OPEN, ReturnLine, ReturnRequest


def returns_of(order: Order) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.filter(order=order)
        .select_related("reason")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=ReturnLine.objects.select_related(
                    "order_line", "replacement_variant__product"
                ),
            )
        )
        .order_by("-created_at")
    )


def open_returns() -> QuerySet[ReturnRequest]:
    return ReturnRequest.objects.filter(status__in=OPEN)


def email_data(request: ReturnRequest, step: str) -> dict:
    """What the shopper's email about this step of the return shows (worker/emails.py)."""
    lines = request.lines.select_related("order_line", "replacement_variant__product")
    return {
        "step": step,
        "return_number": request.number,
        "kind": request.kind,
        "items": [
            {
                "units": line.quantity,
                "name": line.order_line.product_name,
                "label": line.order_line.variant_label,
                "replacement": str(line.replacement_variant or ""),
            }
            for line in lines
        ],
        "instructions": request.instructions,
        "label_url": request.label_url,
        "decline_reason": request.decline_reason,
        "carrier": request.replacement_carrier,
        "tracking_number": request.replacement_tracking_number,
        # An exchange's dearer replacement: what the shopper pays from the order's page.
        "difference": (
            str(request.price_difference)
            if request.kind == ReturnRequest.Kind.EXCHANGE
            and request.price_difference is not None
            and request.price_difference > 0
            else ""
        ),
    }
