from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from moneyed import Money

from orders.models import Order, OrderEvent, OrderLine
from shop.money import money

SESSION_KEY = "orders"
LINK_SALT = "orders.link"


def order_key(order: Order) -> str:
    """The key that lets whoever holds it see the order (a guest has no account) until it
    expires after ORDER_LINK_MAX_AGE_DAYS: in every email's link, and given to API clients."""
    return signing.TimestampSigner(salt=LINK_SALT).sign(order.number).split(":", 1)[1]


def signed_order_url(order: Order) -> str:
    """The absolute link to the order for emails (with its key)."""
    path = reverse("orders:detail", kwargs={"number": order.number})
    return f"{settings.SHOP_URL.rstrip('/')}{path}?key={order_key(order)}"


def order_number_from_key(number: str, key: str) -> bool:
    """True if `key` is a valid, unexpired link key for this order number."""
    try:
        signing.TimestampSigner(salt=LINK_SALT).unsign(
            f"{number}:{key}", max_age=settings.ORDER_LINK_MAX_AGE_DAYS * 86400
        )
    except signing.BadSignature:
        return False
    return True


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


def order_for_caller(*, user, number: str, key: str = "") -> Order:
    """The order if this API caller may see it: with its key, or as its signed-in owner.
    Anyone else gets a 404 (Http404), never a hint that the order exists."""
    order = Order.objects.filter(number=number[:16]).first()
    if order is None:
        raise Http404("No such order")
    if key and order_number_from_key(order.number, key[:200]):
        return order
    if order.user_id is not None and user.is_authenticated and order.user_id == user.pk:
        return order
    raise Http404("No such order")


def usual_country(user) -> str:
    """The country a checkout starts with: where a signed-in shopper's last order went (their
    default address, when they have one, comes first in the checkout itself), else the shop's
    own country."""
    if user.is_authenticated:
        last = (
            Order.objects.filter(user=user)
            .exclude(shipping_country="")
            .values_list("shipping_country", flat=True)
            .first()
        )
        if last:
            return last
    return settings.SHOP_COUNTRY


def orders_of_user(user) -> QuerySet[Order]:
    return Order.objects.filter(user=user).order_by("-created_at")


def sales_by_day(*, days: int = 30, today=None, currency: str | None = None) -> list[dict]:
    """Paid sales per day for the last `days` days, oldest first, days without sales as zero,
    in one currency (the shop's unless named: amounts in two currencies are never added).
    One query."""
    return sales_by_currency(days=days, today=today).get(
        currency or settings.SHOP_CURRENCY, _empty_days(days, today)
    )


def _empty_days(days: int, today=None) -> list[dict]:
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    return [{"day": first + timedelta(days=n), "total": 0, "orders": 0} for n in range(days)]


def sales_by_currency(*, days: int = 30, today=None) -> dict[str, list[dict]]:
    """Paid sales per day for the last `days` days, one series per currency sold in (the
    shop's first), each as `sales_by_day`. One query, grouped by day and currency."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    rows = (
        Order.objects.filter(paid_at__date__gte=first, paid_at__date__lte=today)
        .annotate(day=TruncDate("paid_at"))
        .values("day", "currency")
        .annotate(total=Sum("total"), orders=Count("pk"))
    )
    series: dict[str, list[dict]] = {}
    for row in rows:
        by_day = series.setdefault(row["currency"], _empty_days(days, today))
        slot = (row["day"] - first).days
        by_day[slot] = {"day": row["day"], "total": row["total"], "orders": row["orders"]}
    return dict(sorted(series.items(), key=lambda kv: (kv[0] != settings.SHOP_CURRENCY, kv[0])))


def orders_by_status() -> list[dict]:
    counts = dict(Order.objects.values_list("status").annotate(n=Count("pk")))
    return [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Order.Status.choices
    ]


def top_products(*, days: int = 30, limit: int = 10) -> list[dict]:
    """Best sellers by units among paid orders of the last `days` days. One query."""

    since = timezone.now() - timedelta(days=days)
    rows = (
        OrderLine.objects.filter(order__paid_at__gte=since)
        .values("product_name", "order__currency")
        .annotate(units=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("product_name", "order__currency")
    )
    # Units add up across markets; revenue is one figure per currency, never a sum of them.
    products: dict[str, dict] = {}
    for row in rows:
        product = products.setdefault(
            row["product_name"], {"product_name": row["product_name"], "units": 0, "revenue": []}
        )
        product["units"] += row["units"]
        product["revenue"].append(money(row["revenue"], row["order__currency"]))
    return sorted(products.values(), key=lambda p: (-p["units"], p["product_name"]))[:limit]


@dataclass(frozen=True)
class RefundShown:
    """A refund as the shopper sees it: when, how much, for what, and why."""

    when: datetime
    amount: Money
    items: list[tuple[int, OrderLine]]  # (units, line); empty for an amount alone
    reason: str


def refunds_of(order: Order) -> list[RefundShown]:
    """The order's refunds, oldest first, from its event log (one query for the events and
    one for the lines; each `refunded` event is one refund that Stripe confirmed)."""
    if not order.refunded_total:  # nothing refunded: no query (the order page's usual case)
        return []
    events = list(order.events.filter(kind=OrderEvent.Kind.REFUNDED).order_by("created_at", "pk"))
    lines = {str(line.pk): line for line in order.lines.all()} if events else {}
    shown = []
    for event in events:
        data = event.data or {}
        try:
            amount = money(Decimal(str(data.get("amount"))), order.currency)
        except (InvalidOperation, ValueError):
            continue
        items = [
            (int(units), lines[line_id])
            for line_id, units in (data.get("lines") or {}).items()
            if line_id in lines
        ]
        shown.append(
            RefundShown(
                when=event.created_at,
                amount=amount,
                items=items,
                # The shop's own reasons are catalog strings: shown in the reader's language.
                reason=gettext(data["reason"]) if data.get("reason") else "",
            )
        )
    return shown
