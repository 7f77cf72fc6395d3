"""The returns part of the order page (orders/sections.py): the return rules and a "Return
items" button while something can be returned, and each return's status."""

from __future__ import annotations

from orders import sections
from orders.models import Order
from returns import exchanges, rules, selectors

# Only a delivered order can have returns (a refunded one may have had some); the pages of
# other orders run no query for this section.
SHOWN_FOR = (Order.Status.DELIVERED, Order.Status.REFUNDED)


def context(request, order: Order) -> dict | None:
    if order.status not in SHOWN_FOR:
        return None
    returns = selectors.returns_of(order)
    for ret in returns:
        ret.order = order  # one order page: no query per return
        ret.owed = exchanges.difference_owed(ret)
        ret.owed_paid = ret.owed is not None and exchanges.difference_paid(ret)
    if order.status != Order.Status.DELIVERED and not returns:
        return None
    return {
        "order": order,
        "eligibility": rules.eligibility(order),
        "window_days": rules.window_days(),
        "returns": returns,
    }


def register() -> None:
    sections.register(
        sections.Section(name="returns", template="returns/_order_section.html", context=context)
    )
