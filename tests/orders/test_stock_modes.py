import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from orders import services
from orders.models import Order, Reservation
from shop.catalog.models import Variant
from shop.catalog.services import set_stock_on_hand
from tests.conftest import make_cart, place
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


def _pay(order):
    return services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_x", actor="test")


def _stock(variant):
    variant.refresh_from_db()
    return variant.stock_on_hand, variant.stock_reserved


def test_untracked_variants_sell_any_quantity_and_hold_nothing(shipping_method):
    ebook = VariantFactory(track_stock=False, stock_on_hand=0)

    order = place(make_cart((ebook, 500)), shipping_method)
    _pay(order)

    assert not Reservation.objects.filter(order=order).exists()
    assert _stock(ebook) == (0, 0)


def test_backorders_sell_beyond_the_shelf_and_go_negative(client, shipping_method):
    mug = VariantFactory(allow_backorder=True, stock_on_hand=2, product__slug="mug")

    order = place(make_cart((mug, 5)), shipping_method)
    assert _stock(mug) == (2, 5)
    _pay(order)

    assert _stock(mug) == (-3, 0)
    assert "Backorder" in client.get(reverse("catalog:product", args=["mug"])).content.decode()


def test_negative_stock_needs_backorders_allowed(shipping_method):
    mug = VariantFactory(allow_backorder=True, stock_on_hand=0)
    _pay(place(make_cart((mug, 2)), shipping_method))

    with pytest.raises(IntegrityError), transaction.atomic():
        Variant.objects.filter(pk=mug.pk).update(allow_backorder=False)
    with pytest.raises(ValidationError, match="negative"):
        set_stock_on_hand(variant_id=VariantFactory().pk, quantity=-1)


def test_cancelling_a_paid_order_puts_the_units_back_and_flags_the_refund(shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    order = place(make_cart((variant, 2)), shipping_method)
    _pay(order)
    assert _stock(variant) == (3, 0)

    services.cancel_order(order_id=order.pk, actor="merchant", reason="Out of gift wrap")

    order.refresh_from_db()
    assert _stock(variant) == (5, 0)
    assert order.status == Order.Status.CANCELLED and order.needs_attention
    assert "must be refunded" in order.events.last().message


def test_the_catalog_shows_untracked_products_in_stock(client):
    VariantFactory(track_stock=False, stock_on_hand=0, product__name="Gift Card")
    assert "Sold out" not in client.get(reverse("catalog:home")).content.decode()
