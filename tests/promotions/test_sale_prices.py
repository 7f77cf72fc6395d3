"""Sale prices on catalog pages (was / now, with the reason), and cached pages that follow a
promotion's window: the price changes on the next request after it starts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from promotions import sale
from promotions.models import Promotion, PromotionTarget
from promotions.services import bump_at_boundaries
from tests.factories import CategoryFactory, ProductFactory, VariantFactory

pytestmark = [pytest.mark.promotions, pytest.mark.django_db]


@pytest.fixture
def cached(settings):
    settings.CATALOG_CACHE = True
    cache.clear()
    sale.forget()
    yield
    cache.clear()
    sale.forget()


@pytest.fixture
def lamp(db):
    category = CategoryFactory(name="Lights", slug="lights")
    product = ProductFactory(name="Brass Lamp", slug="brass-lamp", category=category)
    return VariantFactory(product=product, price=("40.00", "USD"), stock_on_hand=10)


def _lamp_sale(lamp, **fields):
    promotion = Promotion.objects.create(
        name="Lamp days", kind="items_percent", percent=Decimal("25"), **fields
    )
    PromotionTarget.objects.create(promotion=promotion, category=lamp.product.category)
    return promotion


def test_cards_and_the_product_page_show_was_and_now_with_the_reason(
    cached, lamp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _lamp_sale(lamp)
    for url in (reverse("catalog:category", args=["lights"]), reverse("catalog:home")):
        body = Client().get(url).content.decode()
        assert "$40.00</s>" in body and "$30.00" in body and "Lamp days" in body, url
    body = Client().get(reverse("catalog:product", args=["brass-lamp"])).content.decode()
    assert "data-price>$30.00<" in body
    assert "Lamp days" in body
    assert '"now":"$30.00"' in body  # for the variant chosen in the page's script


def test_a_conditional_promotion_is_never_promised_on_a_card(cached, lamp):
    _lamp_sale(lamp, signed_in_only=True)
    body = Client().get(reverse("catalog:category", args=["lights"])).content.decode()
    assert "$30.00" not in body


def test_a_cached_page_shows_the_sale_on_the_next_request_after_it_starts(
    cached, lamp, monkeypatch, django_capture_on_commit_callbacks
):
    url = reverse("catalog:category", args=["lights"])
    start = timezone.now() + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        _lamp_sale(lamp, starts_at=start, ends_at=start + timedelta(days=1))
    bump_at_boundaries(now=timezone.now())
    before = Client().get(url).content.decode()
    assert "$30.00" not in before and "$40.00" in before
    assert "$30.00" not in Client().get(url).content.decode()  # from the cache

    later = start + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert bump_at_boundaries()  # the minute's task, just after the start
    after = Client().get(url).content.decode()
    assert "$40.00</s>" in after and "$30.00" in after

    monkeypatch.setattr(timezone, "now", lambda: start + timedelta(days=1, seconds=1))
    assert bump_at_boundaries()  # and after the end
    assert "$30.00" not in Client().get(url).content.decode()


def test_the_cart_charges_the_price_the_card_shows(client, lamp):
    _lamp_sale(lamp)
    client.post(reverse("cart:add"), {"variant": lamp.pk, "quantity": 1})
    body = client.get(reverse("cart:detail")).content.decode()
    assert "Lamp days" in body and "−$10.00" in body
