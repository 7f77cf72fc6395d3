"""The header's cart badge is the cart's own context processor (shop/cart/context_processors.py)."""

import pytest
from django.conf import settings
from django.test import RequestFactory

from shop.cart.context_processors import cart
from shop.cart.selectors import SESSION_KEY
from tests.conftest import make_cart
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


def test_the_cart_badge_is_computed_by_the_cart():
    processors = settings.TEMPLATES[0]["OPTIONS"]["context_processors"]
    assert "shop.cart.context_processors.cart" in processors
    request = RequestFactory().get("/")
    request.session = {SESSION_KEY: make_cart((VariantFactory(), 2), (VariantFactory(), 1)).pk}
    assert cart(request)["cart_quantity"] == 3
