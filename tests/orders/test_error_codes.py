"""Checkout and voucher refusals carry a code (an enum in orders/exceptions.py) that programs
read; the message stays the shopper's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from moneyed import Money

from orders.exceptions import CheckoutError, CheckoutErrorCode, VoucherError, VoucherErrorCode
from orders.models import Order, ShippingRate, Voucher
from tests.conftest import make_cart, place
from tests.factories import ShippingMethodFactory, VariantFactory

pytestmark = pytest.mark.django_db


def _refusal(cart, method, **kwargs) -> CheckoutError:
    with pytest.raises(CheckoutError) as refused:
        place(cart, method, **kwargs)
    return refused.value


def test_each_checkout_refusal_says_which_it_is(shipping_method):
    variant = VariantFactory(stock_on_hand=1)
    europe_only = ShippingMethodFactory(name="Europe")
    ShippingRate.objects.create(method=europe_only, country="DE", price=Money("4", "USD"))
    retired = ShippingMethodFactory(name="Old", is_active=False)

    assert _refusal(make_cart(), shipping_method).code == CheckoutErrorCode.CART_EMPTY
    assert _refusal(make_cart((variant, 1)), europe_only).code == CheckoutErrorCode.NOT_SHIPPABLE
    unavailable = _refusal(make_cart((variant, 1)), retired)
    assert unavailable.code == CheckoutErrorCode.SHIPPING_METHOD_UNAVAILABLE
    assert _refusal(make_cart((variant, 3)), shipping_method).code == CheckoutErrorCode.OUT_OF_STOCK
    assert "Europe does not ship" in str(_refusal(make_cart((variant, 1)), europe_only))
    assert Order.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"is_active": False}, VoucherErrorCode.NOT_VALID),
        ({"minimum_order": Money("500", "USD")}, VoucherErrorCode.BELOW_MINIMUM),
        ({"usage_limit": 0}, VoucherErrorCode.USED_UP),
    ],
)
def test_each_voucher_refusal_says_which_it_is(shipping_method, changes, code):
    Voucher.objects.create(code="TEN", kind=Voucher.Kind.PERCENTAGE, value=Decimal(10), **changes)
    variant = VariantFactory(stock_on_hand=5)
    from orders import services

    with pytest.raises(VoucherError) as refused:
        services.place_order(
            cart=make_cart((variant, 1)),
            email="ada@example.com",
            address={"name": "A", "line1": "1", "city": "X", "postcode": "1", "country": "US"},
            shipping_method=shipping_method,
            checkout_token="voucher-code-test",
            voucher_code="ten",
        )
    assert refused.value.voucher_code == code
    assert refused.value.code == CheckoutErrorCode.VOUCHER_REFUSED
