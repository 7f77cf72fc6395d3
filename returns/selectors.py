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
