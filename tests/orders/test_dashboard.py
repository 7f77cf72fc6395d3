"""The merchant's dashboard: figures that add up, a fixed number of queries, staff only."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import selectors, services
from orders.models import Order
from tests.conftest import make_cart, place
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _paid(shipping_method, variant, quantity, days_ago=0):
    order = place(make_cart((variant, quantity)), shipping_method)
    services.mark_paid(order_id=order.pk, amount=order.total, reference=order.number, actor="t")
    Order.objects.filter(pk=order.pk).update(paid_at=timezone.now() - timedelta(days=days_ago))
    return order


def test_sales_per_day_status_counts_and_best_sellers_add_up(shipping_method):
    mug = VariantFactory(product__name="Mug", stock_on_hand=50)
    pen = VariantFactory(product__name="Pen", stock_on_hand=50)
    _paid(shipping_method, mug, 3)  # 30 + 5
    _paid(shipping_method, pen, 1, days_ago=2)  # 10 + 5
    _paid(shipping_method, pen, 1, days_ago=40)  # outside the 30 days
    place(make_cart((mug, 1)), shipping_method)  # unpaid: no sale

    days = selectors.sales_by_day(days=30)

    assert len(days) == 30 and days[-1]["day"] == timezone.localdate()
    assert days[-1]["total"] == 35 and days[-1]["orders"] == 1
    assert days[-3]["total"] == 15
    assert sum(d["total"] for d in days) == 50
    statuses = {row["status"]: row["count"] for row in selectors.orders_by_status()}
    assert statuses["paid"] == 3 and statuses["pending_payment"] == 1
    top = selectors.top_products(days=30)
    assert [(p["product_name"], p["units"]) for p in top] == [("Mug", 3), ("Pen", 1)]


def test_the_dashboard_shows_it_to_staff_in_a_fixed_number_of_queries(client, shipping_method):
    mug = VariantFactory(product__name="Mug", stock_on_hand=50)
    VariantFactory(product__name="Last Lamp", stock_on_hand=1, sku="LAMP-1")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:dashboard")

    _paid(shipping_method, mug, 1)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url)
    for _ in range(5):
        _paid(shipping_method, VariantFactory(stock_on_hand=2), 1)
    with CaptureQueriesContext(connection) as many:
        second = client.get(url)

    assert first.status_code == 200 and second.status_code == 200
    body = second.content.decode()
    assert "Sales in USD, last 30 days" in body and "$90.00" in body  # 15 + 5 × 15
    assert "LAMP-1" in body and "Mug" in body
    assert body.count("<rect ") == 30
    assert len(few) == len(many)
    assert url in client.get(reverse("admin:index")).content.decode()


def test_only_staff_see_the_dashboard(client):
    url = reverse("admin:dashboard")
    assert client.get(url).status_code == 302
    client.force_login(UserFactory(is_staff=False))
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url


def test_the_dashboard_is_one_of_the_admins_own_pages():
    """Reached through the admin site's URLs (its get_urls), at the address it always had."""
    assert reverse("admin:dashboard") == "/admin/dashboard/"
