"""Reviews' rules on PostgreSQL: one per shopper and product, ratings 1 to 5, the badge only
from a delivered line, aggregates right after each decision, one helpful vote each."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import override_settings

from orders import services as order_services
from reviews import services
from reviews.exceptions import ReviewError, ReviewErrorCode
from reviews.models import HelpfulVote, Review
from shop.catalog import cache
from shop.catalog.models import Product
from tests.engagement import delivered_order
from tests.factories import UserFactory, VariantFactory

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]

GOOD = {"rating": 4, "title": "Solid", "text": "Keeps coffee hot."}


@pytest.fixture
def variant(db):
    return VariantFactory(stock_on_hand=20)


@pytest.fixture
def shopper(db):
    return UserFactory(email="rita@example.com")


def _write(product, user, **changes):
    return services.write_review(product_id=product.pk, user=user, **{**GOOD, **changes})


def _product(variant) -> Product:
    return Product.objects.get(pk=variant.product_id)


def test_a_second_review_of_the_same_product_edits_the_first(variant, shopper):
    first = _write(variant.product, shopper)
    second = _write(variant.product, shopper, rating=2, title="Changed my mind")

    assert second.pk == first.pk
    assert Review.objects.filter(product=variant.product, user=shopper).count() == 1
    assert Review.objects.get().title == "Changed my mind"


def test_the_database_refuses_two_reviews_by_one_shopper_or_one_guest(variant, shopper):
    _write(variant.product, shopper)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(product=variant.product, user=shopper, **GOOD)
    Review.objects.create(product=variant.product, email="g@example.com", **GOOD)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(product=variant.product, email="g@example.com", **GOOD)


@pytest.mark.parametrize("rating", [0, 6, -1, "abc", None, "", True, 10**20])
def test_a_rating_outside_1_to_5_is_refused_and_nothing_saved(variant, shopper, rating):
    with pytest.raises(ReviewError, match="rating from 1 to 5") as refused:
        _write(variant.product, shopper, rating=rating)
    assert refused.value.field == "rating"
    assert not Review.objects.exists()


def test_the_database_refuses_a_rating_of_6(variant, shopper):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(product=variant.product, user=shopper, **{**GOOD, "rating": 6})


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"text": "x" * 5001}, "text"),
        ({"title": "t" * 121}, "title"),
        ({"text": "nul \x00 byte"}, "text"),
        ({"title": "\x00"}, "title"),
        ({"author_name": "n\x00"}, "author_name"),
        ({"text": "   "}, "text"),
        ({"title": ["not", "text"]}, "title"),
    ],
)
def test_bad_text_is_refused_with_its_field_and_changes_nothing(variant, shopper, changes, field):
    review = _write(variant.product, shopper)
    with pytest.raises(ReviewError) as refused:
        _write(variant.product, shopper, **changes)
    assert refused.value.field == field
    review.refresh_from_db()
    assert (review.title, review.text, review.author_name) == ("Solid", "Keeps coffee hot.", "")


def test_the_badge_needs_a_delivered_line_of_that_product(variant, shopper):
    other = VariantFactory(stock_on_hand=5)
    shipped = delivered_order((variant, 1), user=shopper, email=shopper.email, deliver=False)
    delivered_order((other, 1), user=shopper, email=shopper.email)  # another product

    assert not _write(variant.product, shopper).is_verified  # only shipped
    order_services.mark_delivered(order_id=shipped.pk, actor="t")
    review = _write(variant.product, shopper)
    assert review.is_verified
    assert review.verified_line.order_id == shipped.pk


def test_someone_elses_delivery_verifies_nobody(variant, shopper):
    delivered_order((variant, 1), email=shopper.email)  # a guest order: not this account's
    delivered_order((variant, 1), user=UserFactory(), email="other@example.com")
    assert not _write(variant.product, shopper).is_verified


def test_a_wholly_refunded_line_gives_no_badge(variant, shopper):
    order = delivered_order((variant, 1), user=shopper, email=shopper.email)
    order.lines.update(refunded_quantity=1)
    assert not _write(variant.product, shopper).is_verified


def test_aggregates_follow_each_decision_in_its_transaction(
    variant, django_capture_on_commit_callbacks
):
    a = _write(variant.product, UserFactory(), rating=5)
    b = _write(variant.product, UserFactory(), rating=3)
    c = _write(variant.product, UserFactory(), rating=4)
    assert _product(variant).rating_count == 0  # waiting for moderation counts for nothing

    before = cache.catalog_version()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(review_id=a.pk, actor="mo")
        services.approve(review_id=b.pk, actor="mo")
    product = _product(variant)
    assert (str(product.rating_average), product.rating_count) == ("4.00", 2)
    assert product.rating_counts == [0, 0, 1, 0, 1]
    assert cache.catalog_version() > before

    services.approve(review_id=c.pk, actor="mo")
    services.reject(review_id=a.pk, reason="Mentions a person by name.", actor="mo")
    product = _product(variant)
    assert (str(product.rating_average), product.rating_count) == ("3.50", 2)
    assert product.rating_counts == [0, 0, 1, 1, 0]

    services.reject(review_id=b.pk, reason="Spam.", actor="mo")
    services.reject(review_id=c.pk, reason="Spam.", actor="mo")
    product = _product(variant)
    assert (product.rating_average, product.rating_count, product.rating_counts) == (
        None,
        0,
        [0, 0, 0, 0, 0],
    )


def test_a_decision_that_fails_leaves_the_aggregates_as_they_were(variant, shopper):
    review = _write(variant.product, shopper, rating=5)
    services.approve(review_id=review.pk, actor="mo")
    with pytest.raises(ReviewError, match="reason"):
        services.reject(review_id=review.pk, reason="  ", actor="mo")
    review.refresh_from_db()
    assert review.status == Review.Status.APPROVED
    assert _product(variant).rating_count == 1


def test_the_database_refuses_a_rejection_without_a_reason(variant, shopper):
    review = _write(variant.product, shopper)
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=review.pk).update(status="rejected", rejection_reason="")


def test_an_edited_review_is_read_again_and_leaves_the_average_meanwhile(variant, shopper):
    review = _write(variant.product, shopper, rating=5)
    services.approve(review_id=review.pk, actor="mo")
    assert _product(variant).rating_count == 1

    edited = _write(variant.product, shopper, rating=1, title="Broke")
    assert edited.status == Review.Status.PENDING
    assert _product(variant).rating_count == 0
    services.approve(review_id=review.pk, actor="mo")
    assert str(_product(variant).rating_average) == "1.00"


def test_a_rejected_review_keeps_its_reason_for_the_author_until_edited(variant, shopper):
    review = _write(variant.product, shopper)
    services.reject(review_id=review.pk, reason="Please leave out the courier's name.", actor="mo")
    review.refresh_from_db()
    assert review.rejection_reason == "Please leave out the courier's name."
    assert _write(variant.product, shopper).rejection_reason == ""


@override_settings(REVIEWS_MODERATION=False)
def test_without_moderation_a_review_is_published_and_counted_at_once(variant, shopper):
    review = _write(variant.product, shopper, rating=2)
    assert review.status == Review.Status.APPROVED
    assert _product(variant).rating_count == 1


def test_the_reply_is_the_merchants_and_the_words_stay_the_shoppers(variant, shopper):
    review = _write(variant.product, shopper)
    services.reply(review_id=review.pk, text="Thank you, Rita!", actor="mo")
    review.refresh_from_db()
    assert review.reply == "Thank you, Rita!" and review.replied_at
    assert (review.title, review.text, review.rating) == ("Solid", "Keeps coffee hot.", 4)
    with pytest.raises(ReviewError):
        services.reply(review_id=review.pk, text="x\x00", actor="mo")


def test_one_helpful_vote_per_shopper_and_never_ones_own(variant, shopper):
    review = _write(variant.product, shopper)
    voter = UserFactory()
    with pytest.raises(ReviewError) as not_yet:
        services.vote_helpful(review_id=review.pk, user=voter)
    assert not_yet.value.code == ReviewErrorCode.NOT_FOUND  # not published yet
    services.approve(review_id=review.pk, actor="mo")

    assert services.vote_helpful(review_id=review.pk, user=voter) is True
    assert services.vote_helpful(review_id=review.pk, user=voter) is False
    with pytest.raises(ReviewError) as own:
        services.vote_helpful(review_id=review.pk, user=shopper)
    assert own.value.code == ReviewErrorCode.OWN_REVIEW
    review.refresh_from_db()
    assert review.helpful_count == 1 == HelpfulVote.objects.count()
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpfulVote.objects.create(review=review, user=voter)


@pytest.mark.parametrize("review_id", [0, -1, 2**63, "abc", None])
def test_a_vote_for_no_review_is_refused(shopper, review_id):
    with pytest.raises(ReviewError) as refused:
        services.vote_helpful(review_id=review_id, user=shopper)
    assert refused.value.code == ReviewErrorCode.NOT_FOUND


@pytest.mark.django_db(transaction=True)
def test_decisions_at_once_on_one_product_count_every_review(variant):
    """Two merchants approve two reviews of one product at the same moment: both count (the
    product row is locked before the count)."""
    reviews = [_write(variant.product, UserFactory(), rating=r) for r in (5, 1, 3, 4)]
    barrier = threading.Barrier(len(reviews))
    errors = []

    def approve(review_id):
        try:
            barrier.wait()
            services.approve(review_id=review_id, actor="mo")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(r.pk,)) for r in reviews]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    product = _product(variant)
    assert (product.rating_count, product.rating_counts) == (4, [1, 0, 1, 1, 1])
    assert str(product.rating_average) == "3.25"


@pytest.mark.django_db(transaction=True)
def test_votes_at_once_count_once_each(variant, shopper):
    review = _write(variant.product, shopper)
    services.approve(review_id=review.pk, actor="mo")
    voter = UserFactory()
    barrier = threading.Barrier(4)
    results = []

    def vote():
        try:
            barrier.wait()
            results.append(services.vote_helpful(review_id=review.pk, user=voter))
        finally:
            connection.close()

    threads = [threading.Thread(target=vote) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    review.refresh_from_db()
    assert sorted(results) == [False, False, False, True]
    assert review.helpful_count == 1


def test_closing_an_account_takes_its_reviews_out_of_the_numbers(variant, shopper):
    from accounts import services as account_services

    kept = _write(variant.product, UserFactory(), rating=5)
    gone = _write(variant.product, shopper, rating=1)
    for review in (kept, gone):
        services.approve(review_id=review.pk, actor="mo")
    assert _product(variant).rating_count == 2

    account_services.delete_account(user=shopper)
    product = _product(variant)
    assert (product.rating_count, str(product.rating_average)) == (1, "5.00")
    assert list(Review.objects.values_list("pk", flat=True)) == [kept.pk]


def test_deleting_a_product_with_reviews_works(variant, shopper):
    services.approve(review_id=_write(variant.product, shopper).pk, actor="mo")
    Product.objects.filter(pk=variant.product_id).delete()
    assert not Review.objects.exists()
