"""The shopper's pages: gift cards and store credit on the review page, paying with them, the
balance page and the account page; every refusal says the one thing and changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from giftcards.models import CartRedemption, GiftCard
from orders.models import Order
from tests.factories import UserFactory, VariantFactory
from tests.giftcards.kit import credit, issue

pytestmark = [pytest.mark.giftcards, pytest.mark.django_db]

DETAILS = {
    "email": "guest@example.com",
    "name": "Ada Lovelace",
    "line1": "1 Main St",
    "line2": "",
    "city": "Springfield",
    "postcode": "12345",
    "region": "US-IL",
    "country": "US",
    "phone": "",
}


@pytest.fixture
def at_review(client, shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    client.post(reverse("orders:checkout"), {**DETAILS, "shipping_method": shipping_method.pk})
    return client


def _apply(client, code):
    return client.post(
        reverse("giftcards:apply"), {"code": code, "next": reverse("orders:review")}, follow=True
    )


def test_two_gift_cards_applied_on_the_review_page_leave_the_rest_to_pay(at_review):
    a, b = issue("10.00"), issue("5.00")
    page = _apply(at_review, a.grouped_code)
    assert page.redirect_chain[-1][0].endswith("#gift-cards")
    page = _apply(at_review, b.code.lower())
    html = page.content.decode()
    assert f"Gift card •••• {a.code[-4:]}" in html and "−$10.00" in html
    assert 'data-testid="amount-due">$10.00' in html
    assert "you pay $10.00 by card" in html
    assert a.code not in html and a.grouped_code not in html

    token = page.context["form"].initial["checkout_token"]
    response = at_review.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()
    assert response.url == reverse("payments:pay", args=[order.number])
    assert order.amount_due.amount == Decimal("10.00")
    detail = at_review.get(order.get_absolute_url()).content.decode()
    assert 'data-testid="prepaid-total">−$15.00' in detail


def test_a_wrong_code_gets_the_one_message(at_review):
    page = _apply(at_review, "NOPE-NOPE-NOPE-NOPE")
    assert "That gift card cannot be used." in page.content.decode()
    assert not CartRedemption.objects.exists()


def test_a_card_can_be_removed(at_review):
    issued = issue("10.00")
    _apply(at_review, issued.code)
    card = GiftCard.objects.get()
    page = at_review.post(
        reverse("giftcards:remove", args=[card.pk]), {"next": reverse("orders:review")},
        follow=True,
    )  # fmt: skip
    assert "Gift card removed." in page.content.decode()
    assert not CartRedemption.objects.exists()


def test_cards_covering_everything_pay_the_order_and_skip_the_payment_page(at_review):
    _apply(at_review, issue("50.00").code)
    page = at_review.get(reverse("orders:review"))
    assert "Your gift cards and store credit pay for all of it." in page.content.decode()
    token = page.context["form"].initial["checkout_token"]
    at_review.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    response = at_review.get(reverse("payments:pay", args=[order.number]))
    assert response.status_code == 302 and response.url == order.get_absolute_url()
    assert not order.payments.exists()


def test_a_signed_in_shopper_uses_their_store_credit(client, shipping_method):
    user = UserFactory()
    credit(user, "7.50")
    client.force_login(user)
    variant = VariantFactory(stock_on_hand=5)
    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 2})
    client.post(reverse("orders:checkout"), {**DETAILS, "shipping_method": shipping_method.pk})
    page = client.get(reverse("orders:review")).content.decode()
    assert "You have $7.50 in store credit." in page
    page = client.post(
        reverse("giftcards:use_credit"), {"use": "1", "next": reverse("orders:review")},
        follow=True,
    ).content.decode()  # fmt: skip
    assert 'data-testid="amount-due">$17.50' in page
    account = client.get(reverse("giftcards:account")).content.decode()
    assert "$7.50" in account


def test_the_balance_page_shows_a_card_by_its_code(client):
    issued = issue("12.00")
    assert client.get(reverse("giftcards:balance")).status_code == 200
    page = client.post(reverse("giftcards:balance"), {"code": issued.grouped_code})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Balance: $12.00" in html and issued.code not in html
    wrong = client.post(reverse("giftcards:balance"), {"code": "AAAA"})
    assert wrong.status_code == 422
    assert "That gift card cannot be used." in wrong.content.decode()


def test_the_balance_page_is_rate_limited(client, settings):
    settings.GIFT_CARD_LOOKUP_RATE = "2/h"
    issued = issue("12.00")
    for _ in range(2):
        client.post(reverse("giftcards:balance"), {"code": "ABCDEFGHJKMNPQRS"})
    page = client.post(reverse("giftcards:balance"), {"code": issued.code})
    assert page.status_code == 422
    assert "Balance" not in page.content.decode().split("</form>")[-1]


def test_the_account_page_needs_signing_in(client):
    response = client.get(reverse("giftcards:account"))
    assert response.status_code == 302
