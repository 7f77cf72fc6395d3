"""A refunded order says so to the shopper: on its page, in the refund email and in the API."""

import pytest
from django.urls import reverse
from moneyed import Money

from orders import selectors, services
from orders.models import Order
from tests.conftest import make_cart, place
from tests.factories import VariantFactory
from worker.emails import render
from worker.models import OutboxEmail

pytestmark = pytest.mark.django_db


@pytest.fixture
def partly_refunded(shipping_method, django_capture_on_commit_callbacks):
    """2 × $10.00 + $5.00 shipping = $25.00 paid; one unit refunded ($10.00), damaged."""
    variant = VariantFactory(stock_on_hand=5, options={"size": "M", "colour": "Sand"})
    order = place(make_cart((variant, 2)), shipping_method)
    services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_r", actor="stripe")
    line = order.lines.get()
    services.record_refund(
        order_id=order.pk,
        amount=Money("10.00", "USD"),
        reference="re_1",
        actor="mo@example.com",
        reason="Arrived damaged.",
        lines={line.pk: 1},
    )
    order.refresh_from_db()
    return order


def test_the_order_page_shows_the_refund_and_what_was_paid_after_it(client, partly_refunded):
    order = partly_refunded
    link = reverse("orders:detail", args=[order.number]) + "?key=" + selectors.order_key(order)
    body = client.get(link, follow=True).content.decode()

    assert "Your payment was received" not in body
    assert "We have refunded $10.00" in body and "you have paid $15.00" in body
    assert "1 refunded" in body  # on the line
    refund_row = body[body.index('data-testid="refund"') :].split("</tr>")[0]
    assert "1 × " in refund_row and "(M / Sand)" in refund_row and "−$10.00" in refund_row
    assert "Arrived damaged." in refund_row
    assert 'data-testid="net-paid">$15.00' in body


def test_the_refund_email_says_what_was_refunded_and_the_net_paid(partly_refunded):
    email = render(OutboxEmail.objects.get(order=partly_refunded, kind="order_refunded"))
    html = email.alternatives[0][0]

    for text in (email.body, html):
        assert "Refunded for:" in text and "(M / Sand)" in text
        assert "Paid after refunds" in text and "$15.00" in text


def test_the_api_order_lists_its_refunds_and_the_net_paid(client, partly_refunded):
    order = partly_refunded
    seen = client.get(f"/api/v1/orders/{order.number}", {"key": selectors.order_key(order)}).json()

    assert seen["refunded"]["amount"] == "10.00" and seen["net_paid"]["amount"] == "15.00"
    [refund] = seen["refunds"]
    assert refund["amount"]["amount"] == "10.00" and refund["reason"] == "Arrived damaged."
    assert [(line["sku"], line["quantity"]) for line in refund["lines"]] == [
        (order.lines.get().sku, 1)
    ]
    assert Order.objects.get().status == Order.Status.PARTIALLY_REFUNDED
