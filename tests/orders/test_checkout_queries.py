"""The checkout path runs a fixed number of queries per page, whatever the cart holds (the
header's cart badge comes from the lines the page priced, not from another query; an order
page takes the order's lock only when its hold ran out)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import checkout_details
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db

CHECKOUT_TOKEN = re.compile(r'name="checkout_token" value="([^"]+)"')


def _queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302), (url, response.status_code)
    return len(captured), response


@pytest.mark.parametrize("lines", [2, 5])
def test_the_checkout_path_runs_fixed_queries(client, shipping_method, lines):
    for variant in VariantFactory.create_batch(lines, stock_on_hand=10):
        client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    counts = {}
    counts["cart"], _ = _queries(client, "get", reverse("cart:detail"))
    counts["checkout"], _ = _queries(client, "get", reverse("orders:checkout"))
    details = checkout_details(shipping_method)
    counts["details"], response = _queries(client, "post", reverse("orders:checkout"), details)
    assert response["Location"] == reverse("orders:review")
    counts["review"], response = _queries(client, "get", reverse("orders:review"))
    token = CHECKOUT_TOKEN.search(response.content.decode()).group(1)
    counts["place"], response = _queries(
        client, "post", reverse("orders:review"), {"checkout_token": token}
    )
    number = response["Location"].rstrip("/").split("/")[-2]
    counts["order page"], _ = _queries(client, "get", reverse("orders:detail", args=[number]))

    # Sessions are in the database in the tests (one read per request, one write when it
    # changes); the rest is the page's own work, the same for two lines or five. The details
    # step keeps the cart's address for the abandoned-cart reminders: one upsert (reminders/).
    # Pricing through promotions reads the running ones (one query when none runs; their
    # rows and uses are a fixed number more, tests/promotions); placing also takes the row
    # locks of those with limits (one query).
    # Review and placing read the gift cards and store credit applied to the cart: one query.
    assert counts == {
        "cart": 4,
        "checkout": 7,
        "details": 9,
        "review": 8,
        "place": 29,
        "order page": 4,
    }
