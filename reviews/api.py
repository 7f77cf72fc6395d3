"""Reviews in the API: read a product's published reviews, write or edit one's own review,
list one's own with the merchant's decisions. The pages' services, the pages' rules."""

from __future__ import annotations

from django.conf import settings
from ninja import Field as In
from ninja import Query, Router, Schema, Status

from reviews import selectors, services
from reviews.exceptions import ReviewError, ReviewErrorCode
from reviews.models import Review
from reviews.schemas import MyReviewOut, ReviewIn, ReviewOut, ReviewPageOut
from shop.api.auth import signed_in
from shop.api.errors import COMMON, ApiError, not_found
from shop.api.schemas import page_of
from shop.catalog import selectors as catalog_selectors

router = Router(tags=["reviews"])


class ReviewQuery(Schema):
    sort: str = In("newest", pattern="^(newest|helpful)$", description="newest or helpful.")
    page: int = In(1, ge=1, le=10**6)
    page_size: int = In(10, ge=1, le=settings.API_MAX_PAGE_SIZE)


def _review(review: Review, slug: str) -> dict:
    return {
        "id": review.pk,
        "product_slug": slug,
        "rating": review.rating,
        "title": review.title,
        "text": review.text,
        "author_name": str(review.shown_name),
        "verified_buyer": review.is_verified,
        "helpful_count": review.helpful_count,
        "reply": review.reply,
        "created_at": review.created_at,
    }


def _mine(review: Review) -> dict:
    return {
        **_review(review, review.product.slug),
        "status": review.status,
        "rejection_reason": review.rejection_reason,
    }


def _product(slug: str):
    product = catalog_selectors.listed_products().filter(slug=slug[:220]).first()
    if product is None:
        raise not_found("That product")
    return product


def _refused(error: ReviewError) -> ApiError:
    status = {ReviewErrorCode.NOT_FOUND: 404, ReviewErrorCode.OWN_REVIEW: 409}.get(error.code, 422)
    return ApiError(status, str(error.code), str(error), error.field)


@router.get(
    "/products/{slug}/reviews",
    response={200: ReviewPageOut, **COMMON},
    summary="A product's reviews",
    operation_id="product_reviews",
    auth=None,
)
def product_reviews(request, slug: str, query: Query[ReviewQuery]):
    """Published reviews, newest or most helpful first, with the average and the number per
    star (the product page's numbers). Two queries."""
    product = _product(slug)
    rows = selectors.published(product_id=product.pk, sort=query.sort)
    answer = page_of(
        rows,
        count=product.rating_count,
        page=query.page,
        page_size=query.page_size,
        item=lambda r: _review(r, product.slug),
    )
    average = product.rating_average
    counts = list(product.rating_counts or []) or [0] * 5
    return {
        **answer,
        "average": None if average is None else f"{average:.2f}",
        "distribution": counts,
    }


@router.post(
    "/products/{slug}/reviews",
    response={200: MyReviewOut, 201: MyReviewOut, **COMMON},
    summary="Write or edit my review",
    operation_id="write_review",
)
def write_review(request, slug: str, body: ReviewIn):
    """One review per shopper and product: a second call edits it (200), which sends it to be
    moderated again. 201 for a new review."""
    user = signed_in(request)
    product = _product(slug)
    existed = selectors.own_review(product_id=product.pk, user=user) is not None
    try:
        review = services.write_review(product_id=product.pk, user=user, **body.dict())
    except ReviewError as error:
        raise _refused(error) from None
    return Status(200 if existed else 201, _mine(review))


@router.get(
    "/me/reviews",
    response={200: list[MyReviewOut], **COMMON},
    summary="My reviews",
    operation_id="my_reviews",
)
def my_reviews(request):
    user = signed_in(request)
    return [_mine(r) for r in selectors.reviews_of(user)[:200]]


@router.put(
    "/me/reviews/{review_id}",
    response={200: MyReviewOut, **COMMON},
    summary="Edit my review",
    operation_id="edit_review",
)
def edit_review(request, review_id: int, body: ReviewIn):
    """Another shopper's review is a 404, as one that does not exist."""
    user = signed_in(request)
    if not 0 < review_id < 2**62:
        raise not_found("That review")
    review = Review.objects.filter(pk=review_id, user=user).select_related("product").first()
    if review is None:
        raise not_found("That review")
    try:
        review = services.write_review(product_id=review.product_id, user=user, **body.dict())
    except ReviewError as error:
        raise _refused(error) from None
    return _mine(review)


@router.post(
    "/reviews/{review_id}/helpful",
    response={200: ReviewOut, **COMMON, 409: COMMON[404]},
    summary="Vote a review helpful",
    operation_id="vote_helpful",
)
def vote_helpful(request, review_id: int):
    """Once per shopper and review; a second vote changes nothing. Not one's own."""
    user = signed_in(request)
    if not 0 < review_id < 2**62:
        raise not_found("That review")
    try:
        services.vote_helpful(review_id=review_id, user=user)
    except ReviewError as error:
        raise _refused(error) from None
    review = Review.objects.select_related("product").get(pk=review_id)
    return _review(review, review.product.slug)
