from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from moneyed import Money

from orders import totals
from orders.models import ShippingMethod, ShippingRate, TaxRate, Voucher
from payments.amounts import to_stripe_amount
from shop.cart.models import Cart, CartLine
from shop.cart.selectors import price_cart
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


def _priced(*prices, currency="USD"):
    cart = Cart.objects.create()
    for price, quantity in prices:
        variant = VariantFactory(price=Money(price, currency))
        CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    return price_cart(cart)


def _method(price="5.00", currency="USD", free_over=None, **rates):
    method = ShippingMethod.objects.create(
        name="Standard",
        price=Money(price, currency),
        free_over=Money(free_over, currency) if free_over else None,
    )
    for country, rate in rates.items():
        ShippingRate.objects.create(method=method, country=country, price=Money(rate, currency))
    return method


def test_tax_added_on_goods_and_shipping(settings):
    settings.PRICES_INCLUDE_TAX = False
    TaxRate.objects.create(country="US", region="US-CA", name="Sales tax", rate=Decimal("0.0725"))
    TaxRate.objects.create(country="US", name="Sales tax", rate=Decimal("0"))

    t = totals.compute(
        priced=_priced(("50.00", 2)), shipping_method=_method(), country="US", region="US-CA"
    )

    assert (t.subtotal, t.shipping, t.tax, t.total) == (
        Money("100.00", "USD"),
        Money("5.00", "USD"),
        Money("7.61", "USD"),
        Money("112.61", "USD"),
    )
    assert t.tax_percent == "7.25%"
    other_state = totals.compute(
        priced=_priced(("50.00", 2)), shipping_method=_method(), country="US", region="US-OR"
    )
    assert other_state.tax == Money("0.00", "USD")


def test_tax_included_in_prices(settings):
    settings.PRICES_INCLUDE_TAX = True
    TaxRate.objects.create(country="GB", name="VAT", rate=Decimal("0.20"))

    t = totals.compute(priced=_priced(("120.00", 1)), shipping_method=_method("6.00"), country="GB")

    assert t.total == Money("126.00", "USD")  # what the shopper saw is what they pay
    assert t.tax == Money("21.00", "USD")  # 126 / 1.2 = 105 net
    assert t.prices_include_tax


def test_no_rate_means_no_tax():
    t = totals.compute(priced=_priced(("10.00", 1)), shipping_method=_method(), country="JP")
    assert t.tax == Money("0.00", "USD") and t.total == Money("15.00", "USD")


def test_percentage_and_fixed_discounts_round_and_cap():
    priced = _priced(("19.99", 1))
    fifteen = Voucher(code="X", kind="percentage", value=Decimal("15"))
    huge = Voucher(code="Y", kind="fixed", value=Decimal("500"))

    assert totals.discount_for(fifteen, priced.subtotal) == Money("3.00", "USD")
    assert totals.discount_for(huge, priced.subtotal) == Money("19.99", "USD")
    t = totals.compute(priced=priced, voucher=huge)
    assert t.total == Money("0.00", "USD")


def test_free_shipping_over_the_threshold_after_discount():
    method = _method("7.00", free_over="100.00")
    assert totals.compute(
        priced=_priced(("100.00", 1)), shipping_method=method, country="US"
    ).shipping == Money("0.00", "USD")
    ten_off = Voucher(code="T", kind="fixed", value=Decimal("10"))
    assert totals.compute(
        priced=_priced(("100.00", 1)), shipping_method=method, country="US", voucher=ten_off
    ).shipping == Money("7.00", "USD")


def test_shipping_rates_by_country():
    method = _method("5.00", DE="9.00", FR="11.00")
    assert totals.compute(
        priced=_priced(("10", 1)), shipping_method=method, country="FR"
    ).shipping == Money("11.00", "USD")
    assert not totals.compute(
        priced=_priced(("10", 1)), shipping_method=method, country="US"
    ).shipping_available
    assert method.ships_to("DE") and not method.ships_to("US")


def test_yen_totals_are_whole_and_stripe_gets_yen(settings):
    settings.SHOP_CURRENCY = "JPY"
    settings.PRICES_INCLUDE_TAX = False
    TaxRate.objects.create(country="JP", name="Consumption tax", rate=Decimal("0.10"))

    t = totals.compute(
        priced=_priced(("1234", 3), currency="JPY"),
        shipping_method=_method("500", "JPY"),
        country="JP",
    )

    assert t.total == Money("4622", "JPY")  # 3702 + 500 + 420 (10% of 4202, rounded)
    assert to_stripe_amount(t.total) == (4622, "jpy")


def test_dinar_totals_are_in_tens_of_fils_and_stripe_gets_fils(settings):
    settings.SHOP_CURRENCY = "KWD"
    settings.PRICES_INCLUDE_TAX = False
    TaxRate.objects.create(country="KW", name="VAT", rate=Decimal("0.05"))

    t = totals.compute(
        priced=_priced(("12.345", 1), currency="KWD"),
        shipping_method=_method("1.000", "KWD"),
        country="KW",
    )

    assert t.subtotal == Money("12.350", "KWD")
    assert t.tax == Money("0.670", "KWD")  # 5% of 13.350 = 0.6675
    assert t.total == Money("14.020", "KWD")
    assert to_stripe_amount(t.total) == (14020, "kwd")


@hsettings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cents=st.integers(min_value=0, max_value=10**8),
    shipping=st.integers(min_value=0, max_value=10**5),
    rate=st.decimals(min_value=0, max_value=Decimal("0.3"), places=4),
    percent=st.integers(min_value=0, max_value=100),
    include=st.booleans(),
)
def test_total_is_always_the_sum_of_its_parts(settings, cents, shipping, rate, percent, include):
    from shop.cart.selectors import PricedCart

    settings.PRICES_INCLUDE_TAX = include
    subtotal = Money(Decimal(cents) / 100, "USD")
    priced = PricedCart(cart=None, lines=[], subtotal=subtotal)
    method = ShippingMethod(name="S", price=Money(Decimal(shipping) / 100, "USD"))
    voucher = Voucher(code="P", kind="percentage", value=Decimal(percent))
    tax_rate = TaxRate(country="US", rate=rate, name="Tax")

    t = totals.compute(
        priced=priced, shipping_method=method, country="US", voucher=voucher, tax_rate=tax_rate
    )

    parts = t.subtotal.amount - t.discount.amount + t.shipping.amount
    expected = parts if include else parts + t.tax.amount
    assert t.total.amount == expected
    assert Decimal(0) <= t.discount.amount <= t.subtotal.amount
    assert t.tax.amount >= 0
    for part in (t.discount, t.shipping, t.tax, t.total):
        assert part.amount == part.amount.quantize(Decimal("0.01"))
