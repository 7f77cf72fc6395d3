"""The merchant's pages for the reminders: alerts, batches, abandoned carts, reminders sent,
recovered carts, opt-outs; and the preference edited there goes through the service."""

import pytest
from django.urls import reverse

from reminders import services
from reminders.models import CartReminder, EmailPreference, StockAlert
from tests.conftest import make_cart
from tests.factories import UserFactory
from tests.reminders.conftest import confirmed_alerts

pytestmark = [pytest.mark.engagement, pytest.mark.django_db]


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_list_and_page_opens(merchant, sold_out):
    [alert] = confirmed_alerts(sold_out, 1)
    contact = services.note_checkout(
        cart=make_cart((sold_out, 1)), email="a@example.com", country="US", consented=True
    )
    reminder = CartReminder.objects.create(contact=contact, episode=1, step=1)
    services.unsubscribe(email="b@example.com", topic="abandoned_cart")
    for model in ("stockalert", "stockalertbatch", "cartcontact", "cartreminder",
                  "cartrecovery", "emailpreference"):  # fmt: skip
        response = merchant.get(reverse(f"admin:reminders_{model}_changelist"))
        assert response.status_code == 200, model
    for name, obj in (("stockalert", alert), ("cartcontact", contact), ("cartreminder", reminder)):
        assert (
            merchant.get(reverse(f"admin:reminders_{name}_change", args=[obj.pk])).status_code
            == 200
        )
    index = merchant.get(reverse("admin:index")).content.decode()
    assert "Bringing shoppers back" in index


def test_cancelling_alerts_and_editing_a_preference(merchant, sold_out):
    alerts = confirmed_alerts(sold_out, 2)
    response = merchant.post(
        reverse("admin:reminders_stockalert_changelist"),
        {"action": "cancel", "_selected_action": [alerts[0].pk]},
    )
    assert response.status_code == 302
    assert list(StockAlert.objects.order_by("pk").values_list("status", flat=True)) == [
        "cancelled", "confirmed",
    ]  # fmt: skip
    response = merchant.post(
        reverse("admin:reminders_emailpreference_add"),
        {"email": alerts[1].email, "marketing": "on", "abandoned_cart": "on"},
    )
    assert response.status_code == 302
    assert EmailPreference.objects.get().back_in_stock is False
    assert StockAlert.objects.get(pk=alerts[1].pk).status == "cancelled"  # the service's rule
