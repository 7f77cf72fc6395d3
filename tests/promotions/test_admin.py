"""The merchant creates a promotion in the admin (inlines for amounts, tiers and items) and
previews what it does to a sample cart before it runs."""

from decimal import Decimal

import pytest
from django.urls import reverse

from promotions.models import Promotion, PromotionTarget
from tests.factories import UserFactory, VariantFactory

pytestmark = [pytest.mark.promotions, pytest.mark.django_db]


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
    return data


def test_a_merchant_adds_tiers_and_previews_them_on_a_sample_cart(merchant):
    VariantFactory(sku="HOODIE-M")
    response = merchant.post(
        reverse("admin:promotions_promotion_add"),
        {
            "name": "Spend more, save more",
            "code": "",
            "kind": "order_tiers",
            "is_active": "on",
            "priority": "0",
            "buy_quantity": "1",
            "get_quantity": "1",
            "combines_with_shipping": "on",
            "email_domains": "",
            **_inline("prices", []),
            **_inline(
                "tiers",
                [
                    {"currency": "USD", "threshold": "50", "percent": "10"},
                    {"currency": "USD", "threshold": "100", "percent": "15"},
                ],
            ),
            **_inline("targets", []),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    promotion = Promotion.objects.get()
    assert promotion.tiers.count() == 2

    page = merchant.get(
        reverse("admin:promotions_promotion_preview", args=[promotion.pk]),
        {"cart": "HOODIE-M 6", "currency": "USD"},
    ).content.decode()
    assert "−$6.00" in page  # 10 % of $60
    assert "Spend $40.00 more to get 15% off your order." in page


def test_a_percentage_must_be_given_never_read_as_everything_off(merchant):
    response = merchant.post(
        reverse("admin:promotions_promotion_add"),
        {
            "name": "Half price",
            "kind": "items_percent",
            "is_active": "on",
            "priority": "0",
            "buy_quantity": "1",
            "get_quantity": "1",
            **_inline("prices", []),
            **_inline("tiers", []),
            **_inline("targets", []),
        },
    )
    assert response.status_code == 200
    assert "Give the percentage off." in response.content.decode()
    assert not Promotion.objects.exists()


def test_the_preview_says_what_is_wrong_with_a_sample_cart(merchant):
    promotion = Promotion.objects.create(name="Half", kind="items_percent", percent=Decimal(50))
    PromotionTarget.objects.create(promotion=promotion, variant=VariantFactory(sku="A-1"))
    page = merchant.get(
        reverse("admin:promotions_promotion_preview", args=[promotion.pk]),
        {"cart": "NOPE 2", "currency": "USD"},
    ).content.decode()
    assert "Unknown SKU: NOPE." in page
    page = merchant.get(
        reverse("admin:promotions_promotion_preview", args=[promotion.pk]),
        {"cart": "A-1 2", "currency": "USD"},
    ).content.decode()
    assert "−$10.00" in page
