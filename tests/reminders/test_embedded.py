"""The reminders on the embedded shop's SQLite too (`make run`: its demo thread runs the scans
as beat would; `make test-sqlite` runs these there)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from reminders import services, tokens
from reminders.models import CartReminder, StockAlert
from shop.cart.models import Cart, CartLine
from shop.catalog import services as catalog_services
from tests.conftest import make_cart
from tests.factories import VariantFactory
from tests.reminders.conftest import confirmed_alerts
from worker import tasks

pytestmark = [pytest.mark.engagement, pytest.mark.sqlite, pytest.mark.django_db]


def test_a_batch_a_reminder_and_a_restore(mailoutbox, django_capture_on_commit_callbacks):
    lamp = VariantFactory(stock_on_hand=0, product__name="Brass Lamp")
    confirmed_alerts(lamp, 3)
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.set_stock_on_hand(variant_id=lamp.pk, quantity=1)
    assert StockAlert.objects.filter(status="notified").count() == 2

    cart = make_cart((lamp, 1))
    contact = services.note_checkout(
        cart=cart, email="a@example.com", country="US", consented=False
    )
    then = timezone.now() - timedelta(hours=11)
    CartLine.objects.filter(cart=cart).update(added_at=then)
    Cart.objects.filter(pk=cart.pk).update(updated_at=then)
    type(contact).objects.filter(pk=contact.pk).update(checkout_at=then)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_abandoned_carts() == 1
        assert tasks.scan_stock_alerts() == 0
    assert len(mailoutbox) == 3

    reminder = CartReminder.objects.get()
    visitor = Client()
    assert visitor.post(f"/restore-cart/{tokens.restore_token(reminder.pk)}/").status_code == 302
    assert Cart.objects.exclude(pk=cart.pk).get().lines.get().variant == lamp
