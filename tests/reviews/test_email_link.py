"""The "review what you bought" email: owed once per order through the outbox, sent some days
after delivery, its signed link good for that order's products only."""

from datetime import timedelta

import pytest
from django.core import signing
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from orders import services as order_services
from reviews import links
from reviews.models import Review
from tests.engagement import delivered_order
from tests.factories import UserFactory, VariantFactory
from worker import emails
from worker.models import OutboxEmail
from worker.receivers import owe_review_request

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]

Kind = OutboxEmail.Kind


@pytest.fixture
def mug(db):
    return VariantFactory(product__name="Stoneware Mug", stock_on_hand=20)


@pytest.fixture
def order(mug, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return delivered_order((mug, 1), email="Guest@Example.com")


def _due(email):
    OutboxEmail.objects.filter(pk=email.pk).update(send_after=timezone.now() - timedelta(1))


def _invitations(mailoutbox):
    return [m for m in mailoutbox if "How do you like" in m.subject]


def _link_path(order):
    return reverse("reviews:order", kwargs={"token": links.token_for(order)})


def test_delivery_owes_one_review_email_days_later(order, mailoutbox):
    email = OutboxEmail.objects.get(order=order, kind=Kind.REVIEW_REQUEST)
    assert email.send_after == order.delivered_at + timedelta(days=7)
    assert email.status == OutboxEmail.Status.PENDING
    assert emails.send_once(outbox_id=email.pk) is False  # not due yet
    assert _invitations(mailoutbox) == []


@override_settings(REVIEW_REQUEST_DAYS=3)
def test_the_delay_is_the_merchants(mug):
    order = delivered_order((mug, 1))
    email = OutboxEmail.objects.get(order=order, kind=Kind.REVIEW_REQUEST)
    assert email.send_after == order.delivered_at + timedelta(days=3)


def test_the_email_is_owed_and_sent_once_whatever_the_retries(order, mailoutbox):
    order_services.mark_delivered(order_id=order.pk, actor="t")  # delivered again: no-op
    for _ in range(3):
        owe_review_request(sender=None, order=order)  # the signal, delivered again
    email = OutboxEmail.objects.get(order=order, kind=Kind.REVIEW_REQUEST)
    assert OutboxEmail.objects.filter(order=order, kind=Kind.REVIEW_REQUEST).count() == 1
    _due(email)

    assert emails.send_once(outbox_id=email.pk) is True
    assert emails.send_once(outbox_id=email.pk) is False
    sent = _invitations(mailoutbox)
    assert len(sent) == 1
    assert links.order_review_url(order) in sent[0].body
    assert "Stoneware Mug" in sent[0].body and "Stoneware Mug" in sent[0].alternatives[0][0]


def test_the_invitation_carries_one_click_unsubscribe_and_honours_it(order, mailoutbox):
    from reminders import services as reminder_services
    from reminders import tokens

    email = OutboxEmail.objects.get(order=order, kind=Kind.REVIEW_REQUEST)
    _due(email)
    assert emails.send_once(outbox_id=email.pk) is True
    (sent,) = _invitations(mailoutbox)
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = sent.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in sent.body
    assert tokens.read_unsubscribe(url.rstrip("/").rsplit("/", 1)[1]) == (
        "guest@example.com",
        "review_request",
    )

    # Another order's invitation, to a shopper who turned review requests off: skipped.
    reminder_services.unsubscribe(email="guest@example.com", topic="review_request")
    later = delivered_order((order.lines.get().variant, 1), email="guest@example.com")
    email = OutboxEmail.objects.get(order=later, kind=Kind.REVIEW_REQUEST)
    _due(email)
    assert emails.send_once(outbox_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SKIPPED
    assert len(_invitations(mailoutbox)) == 1


def test_a_refunded_order_gets_no_invitation(order, mailoutbox):
    email = OutboxEmail.objects.get(order=order, kind=Kind.REVIEW_REQUEST)
    _due(email)
    order.__class__.objects.filter(pk=order.pk).update(status="refunded")
    assert emails.send_once(outbox_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboxEmail.Status.SKIPPED and _invitations(mailoutbox) == []


def test_the_link_lets_a_guest_review_that_orders_product_with_the_badge(order, mug, client):
    page = client.get(_link_path(order))
    assert page.status_code == 200
    assert "Stoneware Mug" in page.content.decode()
    assert "guest@example.com" not in page.content.decode().lower()

    answer = client.post(
        _link_path(order),
        {
            "product": mug.product_id,
            f"p{mug.product_id}-rating": "5",
            f"p{mug.product_id}-title": "Lovely",
            f"p{mug.product_id}-text": "Heavy, warm, good.",
        },
    )
    assert answer.status_code == 302
    review = Review.objects.get()
    assert (review.user, review.email, review.rating) == (None, "guest@example.com", 5)
    assert review.is_verified and review.verified_line.order_id == order.pk
    assert review.status == Review.Status.PENDING


def test_the_link_is_for_that_orders_products_only(order, client):
    other = VariantFactory(stock_on_hand=3)
    answer = client.post(
        _link_path(order),
        {
            "product": other.product_id,
            f"p{other.product_id}-rating": "1",
            f"p{other.product_id}-title": "Sneaky",
            f"p{other.product_id}-text": "Never bought it.",
        },
    )
    assert answer.status_code == 422
    assert "products of order" in answer.content.decode()
    assert not Review.objects.exists()


def test_the_service_refuses_another_product_through_a_link(order):
    from reviews import services
    from reviews.exceptions import ReviewError, ReviewErrorCode

    other = VariantFactory(stock_on_hand=3)
    with pytest.raises(ReviewError) as refused:
        services.write_review(
            product_id=other.product_id, order=order, rating=1, title="x", text="y"
        )
    assert refused.value.code == ReviewErrorCode.NOT_IN_ORDER
    assert not Review.objects.exists()


def test_a_changed_or_foreign_or_expired_link_is_refused(order, mug, client):
    token = links.token_for(order)
    forged = signing.dumps({"o": order.pk, "n": order.number}, salt="another.salt")
    wrong_number = signing.dumps({"o": order.pk, "n": "AAAAAAAA"}, salt=links.SALT)
    for bad in (token[:-2] + "xx", forged, wrong_number, "\x00", "a" * 2000):
        path = reverse("reviews:order", kwargs={"token": "t"}).replace("/t/", f"/{bad}/")
        answer = client.get(path)
        assert answer.status_code in (400, 404), bad
    with override_settings(REVIEW_LINK_DAYS=0):
        assert client.get(_link_path(order)).status_code == 404
    assert not Review.objects.exists()


def test_a_link_to_an_order_not_delivered_is_refused(mug, client):
    shipped = delivered_order((mug, 1), deliver=False)
    assert client.get(_link_path(shipped)).status_code == 404


def test_the_orders_own_account_writes_as_itself(mug, client):
    owner = UserFactory(email="owner@example.com")
    order = delivered_order((mug, 1), user=owner, email=owner.email)
    client.force_login(owner)
    client.post(
        _link_path(order),
        {
            "product": mug.product_id,
            f"p{mug.product_id}-rating": "4",
            f"p{mug.product_id}-title": "Good",
            f"p{mug.product_id}-text": "Good mug.",
        },
    )
    review = Review.objects.get()
    assert review.user == owner and review.is_verified


def test_an_unpublished_product_of_the_order_is_not_offered(order, mug, client):
    mug.product.__class__.objects.filter(pk=mug.product_id).update(is_published=False)
    page = client.get(_link_path(order)).content.decode()
    assert "no longer sold" in page and f'name="p{mug.product_id}-rating"' not in page
