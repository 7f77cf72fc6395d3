from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from orders.models import Order

SESSION_KEY = "orders"


def remember_order_in_session(request, order: Order) -> None:
    numbers = request.session.get(SESSION_KEY, [])
    if order.number not in numbers:
        request.session[SESSION_KEY] = [*numbers[-19:], order.number]


def order_for_viewer(request, number: str, *, for_update: bool = False) -> Order:
    """The order if this visitor may see it: its owner, or the session that placed it.

    Anyone else gets a 404, never a hint that the order exists.
    """
    order = Order.objects.filter(number=number).first()
    if order is None:
        raise Http404("No such order")
    user = request.user
    if order.user_id is not None and user.is_authenticated and order.user_id == user.pk:
        return order
    if order.number in request.session.get(SESSION_KEY, []):
        return order
    raise Http404("No such order")


def orders_of_user(user) -> QuerySet[Order]:
    return Order.objects.filter(user=user).order_by("-created_at")
