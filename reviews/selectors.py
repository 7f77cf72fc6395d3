"""Reading reviews: a product's published ones in either order, a shopper's own."""

from __future__ import annotations

from django.db.models import QuerySet

from reviews.models import Review

SORTS = {"newest": ("-created_at", "-pk"), "helpful": ("-helpful_count", "-created_at", "-pk")}
DEFAULT_SORT = "newest"


def published(*, product_id: int, sort: str = DEFAULT_SORT) -> QuerySet[Review]:
    return Review.objects.filter(product_id=product_id, status=Review.Status.APPROVED).order_by(
        *SORTS.get(sort, SORTS[DEFAULT_SORT])
    )


def reviews_of(user) -> QuerySet[Review]:
    return Review.objects.filter(user=user).select_related("product").order_by("-updated_at")


def own_review(*, product_id: int, user=None, email: str = "") -> Review | None:
    if user is not None:
        return Review.objects.filter(product_id=product_id, user=user).first()
    if email:
        return Review.objects.filter(
            product_id=product_id, user__isnull=True, email=email.lower()
        ).first()
    return None
