"""examples/api_purchase.py, run as a user would against a live shop: it buys through the API
alone and pays through the Stripe emulator, whose signed webhook marks the order paid."""

import subprocess
import sys

import pytest
from moneyed import Money

from orders.models import Order
from tests.conftest import ROOT
from tests.factories import ShippingMethodFactory, VariantFactory

pytestmark = pytest.mark.api


def test_the_example_client_buys_and_pays(stripe_webhooks):
    ShippingMethodFactory(name="Standard")
    variant = VariantFactory(price=Money("12.50", "USD"), stock_on_hand=3)

    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "api_purchase.py"), "--base-url",
         stripe_webhooks.url, "--email", "app@example.com"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout + run.stderr
    order = Order.objects.get(email="app@example.com")
    assert order.status == Order.Status.PAID
    assert order.total == Money("17.50", "USD")
    assert f"Order {order.number} is paid" in run.stdout
    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (2, 0)
