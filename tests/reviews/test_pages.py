"""What shoppers and the merchant see: the product page's reviews (summary, distribution,
order, pages, JSON-LD with the page's numbers), stars on cards, the writing page, a shopper's
own reviews with the merchant's decision, the moderation queue, and the API."""

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from reviews import services
from reviews.models import Review
from tests.engagement import delivered_order
from tests.factories import UserFactory, VariantFactory

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]


@pytest.fixture
def mug(db):
    return VariantFactory(
        product__name="Stoneware Mug", product__slug="mug", product__category__slug="kitchen",
        stock_on_hand=20,
    )  # fmt: skip


def _published(mug, ratings, *, helpful=None):
    made = []
    for n, rating in enumerate(ratings):
        review = services.write_review(
            product_id=mug.product_id,
            user=UserFactory(),
            rating=rating,
            title=f"Review {n}",
            text=f"Text of review {n}.",
        )
        services.approve(review_id=review.pk, actor="mo")
        made.append(review)
    for review, votes in (helpful or {}).items():
        for _ in range(votes):
            services.vote_helpful(review_id=made[review].pk, user=UserFactory())
    return made


def _json_ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    return next(b for b in map(json.loads, blocks) if b.get("@type") == "Product")


def test_the_product_page_shows_the_numbers_and_json_ld_says_the_same(mug, client):
    _published(mug, [5, 4, 4, 2])
    html = client.get("/p/mug/").content.decode()

    assert "3.8" in html and "4 reviews" in html
    assert "Rated 3.8 out of 5" in html
    bars = re.findall(
        r'<th scope="row">(\d) stars?</th>.*?<td class="bar-count">(\d+)</td>', html, re.S
    )
    assert bars == [("5", "1"), ("4", "2"), ("3", "0"), ("2", "1"), ("1", "0")]
    data = _json_ld(html)
    assert data["aggregateRating"]["ratingValue"] == "3.8"
    assert data["aggregateRating"]["reviewCount"] == 4
    assert len(data["review"]) == 4 and {
        r["reviewRating"]["ratingValue"] for r in data["review"]
    } == {5, 4, 2}
    assert "How reviews are checked" in html


def test_no_json_ld_rating_while_nothing_is_published(mug, client):
    services.write_review(
        product_id=mug.product_id, user=UserFactory(), rating=5, title="Wait", text="Pending."
    )
    html = client.get("/p/mug/").content.decode()
    data = _json_ld(html)
    assert "aggregateRating" not in data and "review" not in data
    assert "Pending." not in html and "No reviews yet." in html


def test_newest_or_most_helpful_first_and_paged(mug, client):
    with override_settings(REVIEWS_PER_PAGE=2):
        _published(mug, [5, 4, 3], helpful={0: 2, 1: 1})
        newest = client.get("/p/mug/").content.decode()
        helpful = client.get("/p/mug/?reviews_sort=helpful").content.decode()
        second = client.get("/p/mug/?reviews_page=2").content.decode()
        past_the_end = client.get("/p/mug/?reviews_page=99")

    titles = lambda html: re.findall(r'class="review-title"[^>]*>([^<]+)<', html)  # noqa: E731
    assert titles(newest) == ["Review 2", "Review 1"]
    assert titles(helpful) == ["Review 0", "Review 1"]
    assert titles(second) == ["Review 0"]
    assert "Page 2 of 2" in second
    assert past_the_end.status_code == 200


def test_a_rejected_review_is_not_on_the_page(mug, client):
    (review,) = _published(mug, [1])
    services.reject(review_id=review.pk, reason="Spam.", actor="mo")
    html = client.get("/p/mug/").content.decode()
    assert "Review 0" not in html and "Rated" not in html


def test_cards_show_stars_in_words(mug, client):
    _published(mug, [5, 4])
    html = client.get("/c/kitchen/").content.decode()
    assert "Rated 4.5 out of 5" in html and "(2)" in html


def test_the_verified_badge_shows_only_for_a_delivered_buyer(mug, client):
    buyer = UserFactory()
    delivered_order((mug, 1), user=buyer, email=buyer.email)
    for user, title in ((buyer, "From a buyer"), (UserFactory(), "From a visitor")):
        review = services.write_review(
            product_id=mug.product_id, user=user, rating=4, title=title, text="Fine."
        )
        services.approve(review_id=review.pk, actor="mo")
    html = client.get("/p/mug/").content.decode()
    articles = re.findall(r'<article class="review".*?</article>', html, re.S)
    badges = {("From a buyer" in a, "Verified buyer" in a) for a in articles}
    assert badges == {(True, True), (False, False)}


def test_the_merchants_reply_shows_under_the_review(mug, client):
    (review,) = _published(mug, [3])
    services.reply(review_id=review.pk, text="Sorry to hear it; we will call you.", actor="mo")
    assert "Sorry to hear it; we will call you." in client.get("/p/mug/").content.decode()


def test_writing_a_review_needs_signing_in_and_bad_input_is_refused(mug, client):
    url = reverse("reviews:write", args=["mug"])
    assert client.get(url).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url).status_code == 200
    for bad in (
        {"rating": "0", "title": "T", "text": "x"},
        {"rating": "6", "title": "T", "text": "x"},
        {"rating": "5", "title": "T", "text": "x" * 5001},
        {"rating": "5", "title": "", "text": "x"},
    ):
        answer = client.post(url, bad)
        assert answer.status_code == 422, bad
        assert "Please correct" in answer.content.decode()
    assert not Review.objects.exists()
    answer = client.post(url, {"rating": "4", "title": "Good", "text": "Nice mug."})
    assert answer.status_code == 302 and Review.objects.count() == 1


def test_my_reviews_shows_why_one_was_not_published(mug, client):
    shopper = UserFactory()
    review = services.write_review(
        product_id=mug.product_id, user=shopper, rating=2, title="Meh", text="Call 555-0100."
    )
    services.reject(review_id=review.pk, reason="Please leave out phone numbers.", actor="mo")
    client.force_login(shopper)
    html = client.get(reverse("reviews:mine")).content.decode()
    assert "Please leave out phone numbers." in html and "Meh" in html


def test_helpful_vote_from_the_page_once(mug, client):
    (review,) = _published(mug, [4])
    client.force_login(UserFactory())
    url = reverse("reviews:helpful", args=[review.pk])
    client.post(url, {"next": "/p/mug/"})
    client.post(url, {"next": "/p/mug/"})
    review.refresh_from_db()
    assert review.helpful_count == 1
    assert client.post(reverse("reviews:helpful", args=[99999999])).status_code == 302


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(email="mo@example.com", is_staff=True, is_superuser=True))
    return client


def test_the_moderation_queue_opens_on_what_waits(mug, merchant):
    services.write_review(
        product_id=mug.product_id, user=UserFactory(), rating=5, title="Waiting", text="x"
    )
    answer = merchant.get(reverse("admin:reviews_review_changelist"))
    assert answer.status_code == 302 and "status__exact=pending" in answer["Location"]
    assert "Waiting" in merchant.get(answer["Location"]).content.decode()


def test_the_merchant_approves_and_rejects_with_a_reason(mug, merchant):
    a, b = (
        services.write_review(
            product_id=mug.product_id, user=UserFactory(), rating=r, title=f"R{r}", text="x"
        )
        for r in (5, 1)
    )
    url = reverse("admin:reviews_review_changelist") + "?status__exact=pending"
    merchant.post(url, {"action": "approve", "_selected_action": [a.pk], "reason": ""})
    no_reason = merchant.post(url, {"action": "reject", "_selected_action": [b.pk], "reason": ""})
    assert no_reason.status_code == 302
    b.refresh_from_db()
    assert b.status == Review.Status.PENDING
    merchant.post(url, {"action": "reject", "_selected_action": [b.pk], "reason": "Off topic."})
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status, b.rejection_reason) == ("approved", "rejected", "Off topic.")
    assert mug.product.__class__.objects.get(pk=mug.product_id).rating_count == 1


def test_the_merchant_replies_but_cannot_change_the_words(mug, merchant):
    (review,) = _published(mug, [2])
    url = reverse("admin:reviews_review_change", args=[review.pk])
    page = merchant.get(url).content.decode()
    assert 'name="title"' not in page and 'name="text"' not in page and 'name="reply"' in page
    merchant.post(url, {"reply": "Thanks for telling us.", "title": "Hacked", "rating": 5})
    review.refresh_from_db()
    assert review.reply == "Thanks for telling us."
    assert (review.title, review.rating) == ("Review 0", 2)


def test_the_api_reads_and_writes_reviews(mug, client):
    _published(mug, [5, 3])
    listing = client.get("/api/v1/products/mug/reviews?sort=helpful").json()
    assert (listing["count"], listing["average"], listing["distribution"]) == (
        2,
        "4.00",
        [0, 0, 1, 0, 1],
    )
    assert client.get("/api/v1/products/mug/reviews?sort=worst").status_code == 422

    shopper = UserFactory()
    client.force_login(shopper)
    body = {"rating": 4, "title": "Good", "text": "Nice."}
    wrote = client.post("/api/v1/products/mug/reviews", body, content_type="application/json")
    assert wrote.status_code == 201 and wrote.json()["status"] == "pending"
    again = client.post("/api/v1/products/mug/reviews", body, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == wrote.json()["id"]
    for bad in ({**body, "rating": 0}, {**body, "rating": 6}, {**body, "text": "x" * 5001}):
        refused = client.post("/api/v1/products/mug/reviews", bad, content_type="application/json")
        assert refused.status_code == 422
    assert client.get("/api/v1/me/reviews").json()[0]["title"] == "Good"


def test_the_api_never_edits_another_shoppers_review(mug, client):
    (theirs,) = _published(mug, [5])
    client.force_login(UserFactory())
    body = {"rating": 1, "title": "Mine now", "text": "Ha."}
    for review_id in (theirs.pk, 2**62, 0):
        answer = client.put(
            f"/api/v1/me/reviews/{review_id}", body, content_type="application/json"
        )
        assert answer.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.title, theirs.rating) == ("Review 0", 5)
    vote = client.post(f"/api/v1/reviews/{theirs.pk}/helpful", content_type="application/json")
    assert vote.status_code == 200 and vote.json()["helpful_count"] == 1


@pytest.fixture
def cached(settings):
    from django.core.cache import cache

    settings.CATALOG_CACHE = True
    cache.clear()
    yield
    cache.clear()


def test_a_cached_product_page_shows_each_decision_and_vote_on_the_next_request(
    cached, mug, client, django_capture_on_commit_callbacks
):
    review = services.write_review(
        product_id=mug.product_id, user=UserFactory(), rating=5, title="Great", text="Yes."
    )
    assert "No reviews yet." in client.get("/p/mug/").content.decode()  # now cached
    assert "No reviews yet." in client.get("/p/mug/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(review_id=review.pk, actor="mo")
    html = client.get("/p/mug/").content.decode()
    assert "Great" in html and "found this helpful" not in html
    assert "Rated 5.0 out of 5" in client.get("/c/kitchen/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.vote_helpful(review_id=review.pk, user=UserFactory())
    assert "1 shopper found this helpful" in client.get("/p/mug/").content.decode()


def test_an_average_on_a_half_is_shown_the_same_on_the_page_and_in_json_ld(mug, client):
    _published(mug, [5, 4, 4, 4])  # 4.25
    html = client.get("/p/mug/").content.decode()
    assert "Rated 4.3 out of 5" in html
    assert _json_ld(html)["aggregateRating"]["ratingValue"] == "4.3"


def test_a_guest_pressing_helpful_is_asked_to_sign_in_and_nothing_is_counted(mug, client):
    (review,) = _published(mug, [4])
    answer = client.post(
        reverse("reviews:helpful", args=[review.pk]), {"next": f"/p/mug/#review-{review.pk}"}
    )
    assert answer.status_code == 302
    assert answer["Location"] == f"/accounts/login/?next=%2Fp%2Fmug%2F%23review-{review.pk}"
    review.refresh_from_db()
    assert review.helpful_count == 0


@pytest.mark.parametrize(
    "query",
    ["?reviews_page=abc", "?reviews_page=0", "?reviews_page=1", "?reviews_sort=newest",
     "?reviews_sort=worst", "?reviews_page=99999999999", "?reviews_page=%00"],
)  # fmt: skip
def test_a_page_or_order_of_reviews_that_is_not_one_shows_the_first_page(mug, client, query):
    _published(mug, [5])
    answer = client.get("/p/mug/" + query)
    assert answer.status_code in (200, 400)
    if answer.status_code == 200:
        assert "Review 0" in answer.content.decode()


def test_the_reviews_parameters_join_the_product_pages_canonical_query():
    from django.http import QueryDict

    from shop.catalog.views import _product_query

    query = _product_query(QueryDict("junk=1&reviews_sort=helpful&reviews_page=2"))
    assert query.urlencode() == "reviews_page=2&reviews_sort=helpful"
    assert _product_query(QueryDict("reviews_page=1&reviews_sort=newest")).urlencode() == ""
