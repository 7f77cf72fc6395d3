"""The shopper hears of each step of their return by email, once per step, through the
worker's outbox, in the order's language."""

import pytest
from django.core import mail

from orders.models import Order
from returns import services
from worker.models import OutboxEmail

pytestmark = [pytest.mark.returns, pytest.mark.django_db]


def test_each_step_owes_one_email_sent_through_the_outbox(
    delivered, reason, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_return(
            order_id=delivered.pk,
            quantities={delivered.lines.get().pk: 1},
            reason_id=reason.pk,
            actor="shopper",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(
            return_id=request.pk,
            actor="merchant",
            instructions="Post it to 1 Shop St.",
            label_url="https://labels.example/1",
        )
        services.approve(return_id=request.pk, actor="merchant")  # a double click
    with django_capture_on_commit_callbacks(execute=True):
        line = request.lines.get()
        services.receive(return_id=request.pk, actor="merchant", counts={line.pk: (1, 1)})

    owed = OutboxEmail.objects.filter(order=delivered, kind=OutboxEmail.Kind.RETURN_UPDATE)
    assert sorted(owed.values_list("reference", flat=True)) == [
        f"{request.number}-approved",
        f"{request.number}-received",
        f"{request.number}-requested",
    ]
    subjects = [m.subject for m in mail.outbox if "return" in m.subject]
    assert f"We have your return request for order {delivered.number}" in subjects
    approved = next(m for m in mail.outbox if "approved" in m.subject)
    assert "Post it to 1 Shop St." in approved.body
    assert "https://labels.example/1" in approved.body
    assert approved.to == [delivered.email]


def test_a_german_order_hears_in_german(delivered, reason, django_capture_on_commit_callbacks):
    Order.objects.filter(pk=delivered.pk).update(language="de")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_return(
            order_id=delivered.pk,
            quantities={delivered.lines.get().pk: 1},
            reason_id=reason.pk,
            actor="shopper",
        )
        services.decline(return_id=request.pk, actor="merchant", reason="Getragen.")
    declined = next(
        m for m in mail.outbox if delivered.number in m.subject and "Getragen." in m.body
    )
    assert declined.to == [delivered.email]


def test_the_approval_of_a_dearer_exchange_says_what_to_pay(
    delivered, reason, variant, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from moneyed import Money

    from tests.factories import VariantFactory

    dearer = VariantFactory(
        product=variant.product, stock_on_hand=2, price=Money(Decimal("13.00"), "USD")
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_return(
            order_id=delivered.pk,
            quantities={delivered.lines.get().pk: 1},
            reason_id=reason.pk,
            actor="shopper",
            kind="exchange",
            replacements={delivered.lines.get().pk: dearer.pk},
        )
        services.approve(return_id=request.pk, actor="merchant")
    approved = next(m for m in mail.outbox if "approved" in m.subject)
    assert "costs $3.00 more" in approved.body
