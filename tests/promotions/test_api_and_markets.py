"""The API's quote and order carry each promotion applied; promotions in other markets'
currencies (JPY has no minor unit; Europe's prices include tax) are never converted."""

import uuid
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.test import Client
from moneyed import Money

from orders import selectors as order_selectors
from orders import totals
from orders.models import TaxRate
from orders.services import place_order
from promotions.models import Promotion, PromotionPrice, PromotionTier
from shop.cart.models import Cart
from shop.cart.selectors import price_cart
from tests.api.test_api import checkout, post
from tests.conftest import make_cart, place
from tests.factories import ShippingMethodFactory, VariantFactory
from tests.markets.conftest import EU_ADDRESS, price_in, ship_in

pytestmark = [pytest.mark.promotions, pytest.mark.django_db]

D = Decimal


@pytest.fixture
def tiers(db):
    promotion = Promotion.objects.create(name="Spend more", kind="order_tiers")
    for currency, threshold, percent in (
        ("USD", "50", "10"),
        ("USD", "100", "15"),
        ("JPY", "5000", "10"),
        ("EUR", "40", "10"),
    ):
        PromotionTier.objects.create(
            promotion=promotion, currency=currency, threshold=D(threshold), percent=D(percent)
        )
    return promotion


def test_the_quote_and_the_order_carry_each_promotion_applied(tiers):
    client = Client()
    method = ShippingMethodFactory(name="Standard")
    variant = VariantFactory(price=Money("30.00", "USD"), stock_on_hand=5)
    token = post(client, "/carts", {"lines": [{"variant_id": variant.pk, "quantity": 2}]})
    token = token.json()["token"]

    quote = post(client, f"/carts/{token}/quote", checkout(method)).json()
    assert quote["totals"]["discount"]["amount"] == "6.00"
    assert quote["totals"]["promotions"] == [
        {
            "id": tiers.pk,
            "name": "Spend more",
            "code": "",
            "kind": "order",
            "amount": {"amount": "6.00", "currency": "USD", "minor": 600},
        }
    ]
    assert quote["totals"]["hints"] == ["Spend $40.00 more to get 15% off your order."]

    order = post(client, f"/carts/{token}/order", checkout(method, checkout_token="p" * 12))
    order = order.json()
    assert order["promotions"][0]["name"] == "Spend more"
    assert order["promotions"][0]["amount"]["amount"] == "6.00"
    assert order["lines"][0]["discount"]["amount"] == "6.00"


def test_a_refused_code_in_the_quote_says_why(tiers):
    client = Client()
    method = ShippingMethodFactory()
    Promotion.objects.create(name="Late", code="LATE", kind="order_tiers", percent=D("5"))
    variant = VariantFactory(price=Money("60.00", "USD"), stock_on_hand=5)
    token = post(client, "/carts", {"lines": [{"variant_id": variant.pk}]}).json()["token"]
    refused = post(client, f"/carts/{token}/quote", checkout(method, voucher_code="late"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["code"] == "voucher_refused"
    assert "cannot be combined" in refused.json()["errors"][0]["message"]


def test_yen_amounts_have_no_minor_unit_and_are_never_converted(jp_market, tiers):
    cup = price_in(VariantFactory(price=Money("12", "USD"), stock_on_hand=9), "JPY", "1999")
    amount_off = Promotion.objects.create(name="¥150 off", kind="items_amount")
    PromotionPrice.objects.create(promotion=amount_off, currency="USD", amount_off=D("1.50"))
    cart = Cart.objects.create(currency="JPY")
    cart.lines.create(variant=cup, quantity=3)  # ¥5,997
    amounts = totals.compute(priced=price_cart(cart))
    # No JPY amount for "¥150 off": not applied (never $1.50 converted). 10 % of ¥5,997.
    assert [p.name for p in amounts.promotions] == ["Spend more"]
    assert amounts.discount == Money(D("600"), "JPY")
    assert amounts.discount.amount == amounts.discount.amount.to_integral_value()

    PromotionPrice.objects.create(promotion=amount_off, currency="JPY", amount_off=D("150"))
    amounts = totals.compute(priced=price_cart(cart))
    # They do not combine (both default): the item discount applies, the order one is not.
    assert {p.name: p.amount for p in amounts.promotions} == {"¥150 off": Money(D("450"), "JPY")}

    Promotion.objects.filter(pk=amount_off.pk).update(combines_with_order=True)
    Promotion.objects.filter(pk=tiers.pk).update(combines_with_product=True)
    amounts = totals.compute(priced=price_cart(cart))
    assert {p.name: p.amount for p in amounts.promotions} == {
        "¥150 off": Money(D("450"), "JPY"),
        "Spend more": Money(D("555"), "JPY"),  # 10 % of ¥5,547, rounded to the yen
    }


def test_an_included_tax_market_taxes_the_discounted_amount(eu_market, tiers, shipping_method):
    mug = price_in(VariantFactory(price=Money("12", "USD"), stock_on_hand=20), "EUR", "10.90")
    ship_in(shipping_method, "EUR", "4.90")
    TaxRate.objects.create(country="AT", rate=D("0.2"), name="USt")
    cart = Cart.objects.create(currency="EUR")
    cart.lines.create(variant=mug, quantity=4)  # €43.60, 10 % off: €4.36
    order = place_order(
        cart=cart,
        email="grete@example.com",
        address=EU_ADDRESS,
        shipping_method=shipping_method,
        checkout_token=uuid.uuid4().hex,
    )
    assert order.prices_include_tax
    assert order.discount_total == Money(D("4.36"), "EUR")
    assert order.total == Money(D("44.14"), "EUR")  # 39.24 + 4.90, tax included
    assert order.tax_total == Money(D("7.36"), "EUR")  # 44.14 - 44.14 / 1.2
    assert order.lines.get().discount == Money(D("4.36"), "EUR")


def test_the_order_page_and_email_show_the_promotions(tiers, shipping_method):
    client = Client()
    variant = VariantFactory(price=Money("30.00", "USD"), stock_on_hand=5)
    order = place(make_cart((variant, 2)), shipping_method)
    session = client.session
    session[order_selectors.SESSION_KEY] = [order.number]
    session.save()

    page = client.get(order.get_absolute_url()).content.decode()
    assert "Spend more" in page and "−$6.00" in page

    html = render_to_string("emails/_totals.html", {"order": order, "lines": []})
    text = render_to_string("emails/_totals.txt", {"order": order, "lines": []})
    assert "Spend more" in html and "−$6.00" in html
    assert "Spend more: -$6.00" in text
