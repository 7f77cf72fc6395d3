"""The "review what you bought" link: signed (Django signing, its own salt) and dated, it
stands for one order and lets whoever holds it review that order's products without signing
in. It carries the order's id and number; a link for another order, a changed link or one
older than REVIEW_LINK_DAYS is refused."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from orders.models import Order
from reviews.exceptions import ReviewError, ReviewErrorCode

SALT = "reviews.order-review-link"


def token_for(order: Order) -> str:
    return signing.dumps({"o": order.pk, "n": order.number}, salt=SALT, compress=True)


def order_review_url(order: Order) -> str:
    path = reverse("reviews:order", kwargs={"token": token_for(order)})
    return f"{settings.SHOP_URL.rstrip('/')}{path}"


def order_from_token(token: str) -> Order:
    from django.utils.translation import gettext as _

    invalid = ReviewError(
        _("This review link is not valid or has expired. Sign in to review what you bought."),
        ReviewErrorCode.LINK_INVALID,
    )
    try:
        data = signing.loads(
            str(token)[:500], salt=SALT, max_age=settings.REVIEW_LINK_DAYS * 24 * 3600
        )
        order = Order.objects.filter(pk=int(data["o"]), number=str(data["n"])).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise invalid from None
    if order is None or order.status != Order.Status.DELIVERED:
        raise invalid
    return order
