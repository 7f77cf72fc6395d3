import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from shop.catalog import services
from tests.conftest import make_cart, place
from tests.factories import ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_stock_cannot_be_set_below_what_unpaid_orders_hold(shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    place(make_cart((variant, 3)), shipping_method)

    with pytest.raises(ValidationError, match="3 units are reserved"):
        services.set_stock_on_hand(variant_id=variant.pk, quantity=2)

    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (5, 3)
    services.set_stock_on_hand(variant_id=variant.pk, quantity=3)
    variant.refresh_from_db()
    assert variant.stock_on_hand == 3


def test_saving_a_stale_variant_form_keeps_the_reservations(shipping_method):
    variant = VariantFactory(stock_on_hand=10)
    stale = type(variant).objects.get(pk=variant.pk)  # loaded before the checkout below
    place(make_cart((variant, 4)), shipping_method)

    stale.sku = "RENAMED"
    stale.stock_on_hand = 12
    services.save_variant(variant=stale)

    variant.refresh_from_db()
    assert variant.sku == "RENAMED"
    assert (variant.stock_on_hand, variant.stock_reserved) == (12, 4)


def test_merchant_edits_stock_from_the_stock_list(client, merchant):
    variant = VariantFactory(stock_on_hand=1)
    url = reverse("admin:catalog_variant_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert variant.sku in response.content.decode()

    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(variant.pk),
            "form-0-stock_on_hand": "40",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    variant.refresh_from_db()
    assert variant.stock_on_hand == 40


def test_merchant_adds_a_product_with_variants_from_the_product_page(client, merchant):
    category = ProductFactory().category
    response = client.post(
        reverse("admin:catalog_product_add"),
        {
            "name": "Brass Pen",
            "slug": "brass-pen",
            "category": str(category.pk),
            "description": "Heavy.",
            "is_published": "on",
            "variants-TOTAL_FORMS": "2",
            "variants-INITIAL_FORMS": "0",
            "variants-0-sku": "PEN-GOLD",
            "variants-0-options": '{"finish": "gold"}',
            "variants-0-price_0": "45.00",
            "variants-0-price_1": "USD",
            "variants-0-stock_on_hand": "7",
            "variants-0-position": "0",
            "variants-1-sku": "PEN-RAW",
            "variants-1-options": '{"finish": "raw"}',
            "variants-1-price_0": "40.00",
            "variants-1-price_1": "USD",
            "variants-1-stock_on_hand": "3",
            "variants-1-position": "1",
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    from shop.catalog.models import Product

    pen = Product.objects.get(slug="brass-pen")
    assert sorted(pen.variants.values_list("sku", "stock_on_hand")) == [
        ("PEN-GOLD", 7),
        ("PEN-RAW", 3),
    ]


def test_reserving_respects_the_database_check_even_without_the_module():
    from django.db import IntegrityError, transaction

    from shop.catalog.models import Variant

    variant = VariantFactory(stock_on_hand=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=variant.pk).update(stock_reserved=3)


def test_a_plain_save_never_writes_stale_stock(shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    stale = type(variant).objects.get(pk=variant.pk)
    place(make_cart((variant, 2)), shipping_method)

    stale.stock_on_hand = 99
    stale.save()

    variant.refresh_from_db()
    assert (variant.stock_on_hand, variant.stock_reserved) == (5, 2)
