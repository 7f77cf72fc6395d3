"""Writing, moderating, answering and voting on reviews. One function per business action,
each one transaction; each raises ReviewError (a message and a code) and changes nothing
when the action cannot be done.

Lock order, everywhere a review changes: the product row first, then the review row. A
decision that changes what the product's approved reviews add up to rewrites the product's
rating columns (catalog/services.set_rating_summary) in the same transaction, counted under
that lock, so two decisions at once cannot leave a stale average. Checkouts lock variants
and then products, and we hold no variant: no deadlock between the two.

The merchant decides whether a review is published, never what it says: there is no
service that edits a shopper's words or rating, and a rejection needs a reason, shown to the
author. Ratings play no part in a decision (the page says so)."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.models import Order, OrderLine
from reviews.exceptions import ReviewError
from reviews.exceptions import ReviewErrorCode as Code
from reviews.models import NAME_MAX, REASON_MAX, REPLY_MAX, TEXT_MAX, TITLE_MAX, HelpfulVote, Review
from shop.catalog import services as catalog_services
from shop.catalog.models import Product


def _clean_text(
    value, *, field: str, limit: int, required: bool, label: str, missing: str = ""
) -> str:
    """`missing`: the whole sentence when a required text is empty (a label is not lowercased
    into another sentence: German keeps its capitals)."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ReviewError(_("%(label)s must be text.") % {"label": label}, Code.INVALID, field)
    if "\x00" in value:
        raise ReviewError(
            _("%(label)s contains a character that cannot be saved.") % {"label": label},
            Code.INVALID,
            field,
        )
    value = value.strip()
    if required and not value:
        raise ReviewError(
            missing or _("%(label)s is required.") % {"label": label}, Code.INVALID, field
        )
    if len(value) > limit:
        raise ReviewError(
            _("%(label)s can be at most %(limit)d characters (it has %(length)d).")
            % {"label": label, "limit": limit, "length": len(value)},
            Code.INVALID,
            field,
        )
    return value


def clean_rating(rating) -> int:
    if isinstance(rating, bool) or not isinstance(rating, int):
        try:
            rating = int(str(rating).strip()[:3])
        except (TypeError, ValueError):
            rating = 0
    if not 1 <= rating <= 5:
        raise ReviewError(_("Choose a rating from 1 to 5 stars."), Code.INVALID, "rating")
    return rating


def delivered_line(*, product_id: int, user=None, order: Order | None = None) -> OrderLine | None:
    """The shopper's most recent delivered order line of this product not wholly refunded:
    what makes a review a verified buyer's. A signed-in shopper's own orders, or the one
    order a guest's email link stands for."""
    if user is None and order is None:
        return None
    lines = OrderLine.objects.filter(
        variant__product_id=product_id, order__status=Order.Status.DELIVERED
    ).exclude(refunded_quantity__gte=F("quantity"))
    lines = lines.filter(order=order) if order is not None else lines.filter(order__user=user)
    return lines.order_by("-order__delivered_at", "-pk").first()


def products_of_order(order: Order) -> list[Product]:
    """The products a guest's link lets them review: those of the order's lines."""
    ids = OrderLine.objects.filter(order=order, variant__isnull=False).values("variant__product_id")
    return list(Product.objects.published().filter(pk__in=ids).order_by("name"))


def _lock_product(product_id: int) -> Product:
    product = (
        Product.objects.select_for_update(of=("self",))
        .only("pk", "slug", "name")
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        raise ReviewError(_("This product does not exist."), Code.NOT_FOUND, "product")
    return product


def refresh_rating(*, product_id: int) -> list[int]:
    """Count the product's approved reviews per star and write them on the product. Called
    with the product row locked, in the transaction of the decision that changed them."""
    rows = (
        Review.objects.filter(product_id=product_id, status=Review.Status.APPROVED)
        .values("rating")
        .annotate(n=Count("pk"))
    )
    counts = [0] * 5
    for row in rows:
        counts[row["rating"] - 1] = row["n"]
    catalog_services.set_rating_summary(product_id=product_id, counts=counts)
    return counts


def write_review(
    *,
    product_id: int,
    rating,
    title,
    text,
    author_name="",
    user=None,
    order: Order | None = None,
) -> Review:
    """Write a review, or edit the author's own review of this product (one each).

    The author is a signed-in `user`, or a guest holding the email link of `order` (then only
    that order's products, and the review is theirs by the order's address). An edit is
    moderated again (it leaves the page until approved) unless moderation is off."""
    if user is None and order is None:
        raise ReviewError(_("Please sign in to write a review."), Code.NOT_YOURS)
    rating = clean_rating(rating)
    title = _clean_text(
        title,
        field="title",
        limit=TITLE_MAX,
        required=True,
        label=_("A title"),
        missing=_("Please write a title."),
    )
    text = _clean_text(
        text,
        field="text",
        limit=TEXT_MAX,
        required=True,
        label=_("Your review"),
        missing=_("Please write your review."),
    )
    author_name = _clean_text(
        author_name, field="author_name", limit=NAME_MAX, required=False, label=_("Your name")
    )
    moderated = settings.REVIEWS_MODERATION
    with transaction.atomic():
        product = _lock_product(product_id)
        if user is None and product.pk not in {p.pk for p in products_of_order(order)}:
            raise ReviewError(
                _("This link is for the products of order %(number)s only.")
                % {"number": order.number},
                Code.NOT_IN_ORDER,
                "product",
            )
        mine = {"user": user} if user is not None else {"user": None, "email": order.email.lower()}
        review = Review.objects.select_for_update().filter(product=product, **mine).first()
        was_approved = review is not None and review.status == Review.Status.APPROVED
        if review is None:
            review = Review(product=product, **mine)
        line = delivered_line(
            product_id=product.pk, user=user, order=order if user is None else None
        )
        review.verified_line = line  # as of now: a line refunded since verifies no more
        review.rating, review.title, review.text = rating, title, text
        review.author_name = author_name
        review.language = (translation.get_language() or "")[:12]
        review.status = Review.Status.PENDING if moderated else Review.Status.APPROVED
        review.rejection_reason = ""
        review.moderated_by, review.moderated_at = (
            ("", None) if moderated else ("auto", timezone.now())
        )
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError as error:  # the same author's first review, saved at once twice
            raise ReviewError(
                _("You have already reviewed this product; edit that review instead."),
                Code.INVALID,
            ) from error
        if was_approved or not moderated:
            refresh_rating(product_id=product.pk)
        return review


def _decide(review_id: int) -> tuple[Product, Review]:
    product_id = Review.objects.filter(pk=review_id).values_list("product_id", flat=True).first()
    if product_id is None:
        raise ReviewError(_("This review does not exist."), Code.NOT_FOUND)
    product = _lock_product(product_id)
    review = Review.objects.select_for_update().get(pk=review_id)
    return product, review


def approve(*, review_id: int, actor: str) -> Review:
    """Publish the review; the product's rating columns follow in the same transaction."""
    with transaction.atomic():
        product, review = _decide(review_id)
        if review.status == Review.Status.APPROVED:
            return review
        review.status = Review.Status.APPROVED
        review.rejection_reason = ""
        review.moderated_by, review.moderated_at = str(actor)[:200], timezone.now()
        review.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"])
        refresh_rating(product_id=product.pk)
        return review


def reject(*, review_id: int, reason, actor: str) -> Review:
    """Do not publish the review (or take it down), with a reason the author is shown."""
    reason = _clean_text(
        reason,
        field="reason",
        limit=REASON_MAX,
        required=True,
        label=_("A reason"),
        missing=_("Please write a reason."),
    )
    with transaction.atomic():
        product, review = _decide(review_id)
        was_approved = review.status == Review.Status.APPROVED
        review.status = Review.Status.REJECTED
        review.rejection_reason = reason
        review.moderated_by, review.moderated_at = str(actor)[:200], timezone.now()
        review.save(update_fields=["status", "rejection_reason", "moderated_by", "moderated_at"])
        if was_approved:
            refresh_rating(product_id=product.pk)
        return review


def reply(*, review_id: int, text, actor: str) -> Review:
    """The merchant's public answer under the review (empty text takes it away)."""
    text = _clean_text(text, field="reply", limit=REPLY_MAX, required=False, label=_("The reply"))
    with transaction.atomic():
        _product, review = _decide(review_id)
        review.reply = text
        review.replied_at = timezone.now() if text else None
        review.save(update_fields=["reply", "replied_at"])
        if review.status == Review.Status.APPROVED:
            catalog_services.page_of_product_changed(product_id=review.product_id)
        return review


def vote_helpful(*, review_id, user) -> bool:
    """The signed-in shopper found a published review helpful: once each, never their own.
    Returns True when this call counted a vote. The count is recounted under the review's
    lock, so it is always the number of votes."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise ReviewError(_("Please sign in to vote."), Code.NOT_YOURS)
    try:
        review_id = int(review_id)
    except (TypeError, ValueError):
        review_id = 0
    if not 0 < review_id < 2**62:
        raise ReviewError(_("This review does not exist."), Code.NOT_FOUND)
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id).first()
        if review is None or review.status != Review.Status.APPROVED:
            raise ReviewError(_("This review does not exist."), Code.NOT_FOUND)
        if review.user_id == user.pk:
            raise ReviewError(_("You cannot vote for your own review."), Code.OWN_REVIEW)
        try:
            with transaction.atomic():
                _vote, created = HelpfulVote.objects.get_or_create(review=review, user=user)
        except IntegrityError:  # the same shopper's vote, sent twice at once
            created = False
        if created:
            review.helpful_count = HelpfulVote.objects.filter(review=review).count()
            review.save(update_fields=["helpful_count"])
            catalog_services.page_of_product_changed(product_id=review.product_id)
        return created
