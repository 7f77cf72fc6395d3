"""Gift cards sold as products: bought with a recipient, a message and a send date, issued when
the order is paid, and their code emailed once, on the day chosen, through the outbox."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from moneyed import Money

from giftcards.models import GiftCard
from orders import services as order_services
from orders.models import Order
from tests.factories import ProductFactory, ShippingMethodFactory, VariantFactory
from tests.giftcards.kit import apply
from worker import emails
from worker.models import OutboxEmail

pytestmark = [pytest.mark.giftcards, pytest.mark.django_db]

DETAILS = {
    "email": "buyer@example.com", "name": "Ada Lovelace", "line1": "1 Main St", "line2": "",
    "city": "Springfield", "postcode": "12345", "region": "US-IL", "country": "US", "phone": "",
}  # fmt: skip


@pytest.fixture
def gift_card_variant():
    product = ProductFactory(is_gift_card=True, name="Gift card")
    return VariantFactory(product=product, price=Money("25.00", "USD"), stock_on_hand=1000)


def _buy(client, variant, **details):
    shipping = ShippingMethodFactory()
    client.post(
        reverse("cart:add"),
        {"variant": variant.pk, "product": variant.product_id, "quantity": 1, **details},
    )
    client.post(reverse("orders:checkout"), {**DETAILS, "shipping_method": shipping.pk})
    review = client.get(reverse("orders:review"))
    token = review.context["form"].initial["checkout_token"]
    client.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get()
    order_services.mark_paid(
        order_id=order.pk, amount=order.amount_due, reference="pi_test", actor="test"
    )
    return order


def test_the_product_page_asks_who_the_gift_card_is_for(client, gift_card_variant):
    page = client.get(gift_card_variant.product.get_absolute_url()).content.decode()
    assert 'name="recipient_email"' in page and 'name="send_on"' in page


def test_a_gift_card_bought_is_issued_and_its_code_emailed_once(
    client, gift_card_variant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = _buy(
            client, gift_card_variant, recipient_email="friend@example.com",
            sender_name="Ada", message="Happy birthday!",
        )  # fmt: skip
    card = GiftCard.objects.get()
    assert card.balance == Decimal("25.00") and card.order_id == order.pk
    assert card.recipient_email == "friend@example.com"
    outbox = OutboxEmail.objects.get(kind="gift_card")
    assert outbox.status == "sent" and "code" not in outbox.data
    sent = [m for m in mail.outbox if m.to == ["friend@example.com"]]
    assert len(sent) == 1
    assert "Ada sent you a gift card worth $25.00" in sent[0].body
    assert "Happy birthday!" in sent[0].body
    code = re.search(r"code: (\S+)", sent[0].body).group(1)
    assert code.endswith(card.last4)
    assert emails.send_once(outbox_id=outbox.pk) is False  # once
    # The code works, and not on a cart buying gift cards.
    from tests.conftest import make_cart

    cart = make_cart((VariantFactory(), 1))
    assert apply(cart, code).pk == card.pk


def test_a_gift_card_for_later_waits_for_its_day(
    client, gift_card_variant, django_capture_on_commit_callbacks
):
    later = timezone.localdate() + datetime.timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        _buy(client, gift_card_variant, send_on=later.isoformat())
    outbox = OutboxEmail.objects.get(kind="gift_card")
    assert outbox.status == "pending" and outbox.send_after.date() == later
    assert outbox.recipient == "buyer@example.com"
    assert "code" in outbox.data and GiftCard.objects.get().last4 not in outbox.data["code"]
    assert emails.send_once(outbox_id=outbox.pk) is False  # not due yet
    assert not [m for m in mail.outbox if "gift card" in m.subject.lower()]


def test_a_send_date_in_the_past_is_refused(client, gift_card_variant):
    client.post(
        reverse("cart:add"),
        {"variant": gift_card_variant.pk, "quantity": 1, "send_on": "2000-01-01"},
    )
    assert (
        not gift_card_variant.product.pk
        or not __import__("shop.cart.models", fromlist=["CartLine"]).CartLine.objects.exists()
    )
