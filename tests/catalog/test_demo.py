import pytest
from django.core.management import call_command

from orders.models import ShippingMethod, TaxRate, Voucher
from shop.catalog.models import Category, Product, ProductImage, Variant

# Also on SQLite, the database of `make run` (`make test-sqlite`).
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def _counts():
    return (
        Category.objects.count(),
        Product.objects.count(),
        Variant.objects.count(),
        ProductImage.objects.count(),
        ShippingMethod.objects.count(),
        TaxRate.objects.count(),
        Voucher.objects.count(),
    )


def test_demo_catalog_loads_once_and_twice_changes_nothing():
    call_command("load_demo")
    first = _counts()
    stock = list(Variant.objects.order_by("sku").values_list("sku", "stock_on_hand", "price"))

    call_command("load_demo")

    assert first == _counts()
    assert first[0] == 6 and 35 <= first[1] <= 45 and first[3] >= 2 * first[1]
    assert stock == list(
        Variant.objects.order_by("sku").values_list("sku", "stock_on_hand", "price")
    )
