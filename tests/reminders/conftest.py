from datetime import timedelta

import pytest
from django.utils import timezone

from reminders.models import StockAlert
from tests.factories import VariantFactory


@pytest.fixture
def sold_out(db):
    """A sold-out shirt in one size (another size in stock)."""
    variant = VariantFactory(
        sku="TEE-L", options={"size": "L"}, stock_on_hand=0, product__name="Linen Tee"
    )
    VariantFactory(sku="TEE-M", options={"size": "M"}, stock_on_hand=4, product=variant.product)
    return variant


def confirmed_alerts(variant, count, *, start=0):
    """`count` confirmed alerts, confirmed a minute apart (the first the earliest)."""
    now = timezone.now()
    alerts = [
        StockAlert(
            variant=variant,
            email=f"fan{start + i}@example.com",
            status=StockAlert.Status.CONFIRMED,
            confirmed_at=now - timedelta(hours=10) + timedelta(minutes=i),
            expires_at=now + timedelta(days=80),
        )
        for i in range(count)
    ]
    return StockAlert.objects.bulk_create(alerts)
