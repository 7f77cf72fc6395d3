"""A cart priced through each kind of promotion, as the shopper sees it and as the order keeps
it: to the cent per line, codes and automatic promotions, refunds of some units, limits."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders import totals
from orders.exceptions import VoucherError, VoucherErrorCode
from orders.models import Order, Voucher
from orders.services.lifecycle import expire_if_overdue
from orders.services.placing import place_order
from promotions.models import (
    Promotion,
    PromotionPrice,
    PromotionTarget,
    PromotionTier,
    PromotionUse,
)
from shop.cart.selectors import price_cart
from tests.conftest import ADDRESS, make_cart, place
from tests.factories import ProductFactory, ShippingMethodFactory, VariantFactory

pytestmark = [pytest.mark.promotions, pytest.mark.django_db]

D = Decimal


def _variant(price="10.00", **kwargs):
    from django.conf import settings
    from moneyed import Money

    return VariantFactory(price=Money(D(price), settings.SHOP_CURRENCY), **kwargs)


def _promotion(kind, *, targets=(), buy=(), tiers=(), prices=None, **fields):
    promotion = Promotion.objects.create(name=fields.pop("name", kind), kind=kind, **fields)
    for role, items in (("get", targets), ("buy", buy)):
        for item in items:
            key = type(item).__name__.lower()
            PromotionTarget.objects.create(promotion=promotion, role=role, **{key: item})
    for threshold, percent, amount in tiers:
        PromotionTier.objects.create(
            promotion=promotion,
            currency="USD",
            threshold=D(threshold),
            percent=None if percent is None else D(percent),
            amount=None if amount is None else D(amount),
        )
    if prices:
        PromotionPrice.objects.create(promotion=promotion, currency="USD", **prices)
    return promotion


def _totals(cart, **kwargs):
    return totals.compute(priced=price_cart(cart), **kwargs)


def test_an_automatic_sale_on_a_category_shows_in_the_cart_and_stays_with_the_line(
    client, shipping_method
):
    hoodie = _variant("40.00")
    sock = _variant("5.00")
    _promotion(
        "items_percent", name="Hoodie week", percent=D("25"), targets=[hoodie.product.category]
    )
    client.post(reverse("cart:add"), {"variant": hoodie.pk, "quantity": 2})
    client.post(reverse("cart:add"), {"variant": sock.pk, "quantity": 1})

    page = client.get(reverse("cart:detail")).content.decode()
    assert "Hoodie week" in page
    assert "−$20.00" in page  # 25 % of 2 × $40
    assert "$65.00" in page  # after discounts

    cart = price_cart(make_cart((hoodie, 2), (sock, 1))).cart
    order = place(cart, shipping_method)
    lines = {line.variant_id: line for line in order.lines.all()}
    assert lines[hoodie.pk].discount.amount == D("20.00")
    assert lines[sock.pk].discount.amount == D("0")
    assert order.discount_total.amount == D("20.00")
    assert order.applied_promotions[0]["name"] == "Hoodie week"
    assert PromotionUse.objects.filter(order=order).count() == 1


def test_the_highest_tier_met_applies_never_the_sum_and_the_next_one_is_hinted():
    _promotion("order_tiers", name="Spend more", tiers=[("50", "10", None), ("100", "15", None)])
    cart = make_cart((_variant("30.00"), 2))
    amounts = _totals(cart)
    assert amounts.discount.amount == D("6.00")  # 10 % of 60, not 25 %
    assert amounts.hints == ("Spend $40.00 more to get 15% off your order.",)

    cart = make_cart((_variant("30.00"), 4))
    assert _totals(cart).discount.amount == D("18.00")  # 15 % of 120


def test_buy_two_get_the_cheapest_free_with_a_hint_for_the_next_set():
    shirts = ProductFactory()
    cheap = _variant("10.00", product=shirts)
    dear = _variant("30.00", product=shirts)
    _promotion(
        "buy_x_get_y",
        name="3 for 2",
        percent=D("100"),
        buy_quantity=2,
        get_quantity=1,
        targets=[shirts],
        buy=[shirts],
    )
    amounts = _totals(make_cart((dear, 2), (cheap, 1)))
    assert amounts.discount.amount == D("10.00")  # the cheapest unit is the free one
    assert [p.name for p in amounts.promotions] == ["3 for 2"]

    hinted = _totals(make_cart((dear, 2)))
    assert hinted.discount.amount == D("0")
    assert hinted.hints == (f"Add 1 more {dear} to get one free.",)


def test_the_same_cart_gives_the_same_total_in_any_order_of_lines():
    a, b, c = _variant("19.99"), _variant("7.35"), _variant("3.10")
    _promotion("order_tiers", name="Five off", tiers=[("0", None, "5.00")])
    _promotion("items_percent", name="A sale", percent=D("15"), targets=[a])
    first = _totals(make_cart((a, 3), (b, 2), (c, 7)))
    second = _totals(make_cart((c, 7), (b, 2), (a, 3)))
    assert first.total == second.total
    assert sorted(first.line_discounts.values()) == sorted(second.line_discounts.values())
    assert sum(d.amount for d in first.line_discounts.values()) == first.discount.amount


def test_free_shipping_above_a_minimum_for_chosen_methods():
    standard = ShippingMethodFactory(name="Standard")
    express = ShippingMethodFactory(name="Express")
    free = _promotion("free_shipping", name="Free shipping", prices={"min_subtotal": D("50")})
    free.shipping_methods.add(standard)
    cart = make_cart((_variant("30.00"), 2))
    assert _totals(cart, shipping_method=standard, country="US").shipping.amount == D("0")
    assert _totals(cart, shipping_method=express, country="US").shipping.amount == D("5.00")

    small = _totals(make_cart((_variant("30.00"), 1)), shipping_method=standard, country="US")
    assert small.shipping.amount == D("5.00")
    assert small.hints == ("Spend $20.00 more for Free shipping.",)


def test_a_promotion_code_carries_any_kind_and_says_why_it_does_not_apply(shipping_method):
    socks = ProductFactory()
    sock = _variant("4.00", product=socks)
    _promotion("items_percent", name="Socks code", code="socks", percent=D("50"), targets=[socks])
    hat = _variant("20.00")

    with pytest.raises(VoucherError) as refused:
        place_order(
            cart=make_cart((hat, 1)),
            email="a@example.com",
            address=ADDRESS,
            shipping_method=shipping_method,
            checkout_token="t1",
            voucher_code="SOCKS",
        )
    assert refused.value.voucher_code == VoucherErrorCode.NO_ELIGIBLE_ITEMS
    assert not Order.objects.exists()

    order = place_order(
        cart=make_cart((hat, 1), (sock, 3)),
        email="a@example.com",
        address=ADDRESS,
        shipping_method=shipping_method,
        checkout_token="t2",
        voucher_code="socks",
    )
    assert order.voucher_code == "SOCKS"
    assert order.discount_total.amount == D("6.00")


def test_a_code_that_does_not_combine_with_a_running_sale_is_refused(shipping_method):
    shirt = _variant("20.00")
    _promotion("items_percent", name="Sale", percent=D("10"), targets=[shirt])
    _promotion("order_tiers", name="Extra", code="EXTRA", tiers=[("0", "5", None)])
    with pytest.raises(VoucherError) as refused:
        place_order(
            cart=make_cart((shirt, 1)),
            email="a@example.com",
            address=ADDRESS,
            shipping_method=shipping_method,
            checkout_token="t3",
            voucher_code="EXTRA",
        )
    assert refused.value.voucher_code == VoucherErrorCode.DOES_NOT_COMBINE


def test_an_old_voucher_still_works_beside_a_sale_on_other_items(shipping_method):
    Voucher.objects.create(code="TENOFF", kind="percentage", value=D("10"))
    sale, other = _variant("20.00"), _variant("30.00")
    _promotion(
        "items_percent", name="Sale", percent=D("50"), targets=[sale], combines_with_order=True
    )
    order = place_order(
        cart=make_cart((sale, 1), (other, 1)),
        email="a@example.com",
        address=ADDRESS,
        shipping_method=shipping_method,
        checkout_token="t4",
        voucher_code="tenoff",
    )
    # $10 off the sale item, then 10 % of the $40 left, spread over the lines.
    assert order.discount_total.amount == D("14.00")
    assert sum(line.discount.amount for line in order.lines.all()) == D("14.00")


def test_refunding_units_one_by_one_gives_back_exactly_what_was_paid(shipping_method):
    _promotion("order_tiers", name="Ten off", tiers=[("0", None, "10.00")])
    a, b = _variant("3.33"), _variant("9.99")
    order = place(make_cart((a, 3), (b, 1)), shipping_method)
    line = order.lines.get(variant=a)
    paid = line.line_total.amount - line.discount.amount
    given = Decimal(0)
    for _unit in range(3):
        given += totals.refund_for_lines(order, {line.pk: 1}).amount
        line.refunded_quantity += 1
        line.save(update_fields=["refunded_quantity"])
    rate = 1 + order.tax_rate if not order.prices_include_tax else 1
    assert abs(given - paid * rate) <= D("0.02")
    if rate == 1:
        assert given == paid


def test_a_use_is_counted_when_placed_and_given_back_when_the_order_expires(shipping_method):
    limited = _promotion("order_tiers", name="Once", tiers=[("0", "10", None)], usage_limit=1)
    first = place(make_cart((_variant(), 1)), shipping_method)
    assert first.discount_total.amount == D("1.00")
    second = place(make_cart((_variant(), 1)), shipping_method)
    assert second.discount_total.amount == D("0")  # used up: the automatic one stops

    Order.objects.filter(pk=first.pk).update(
        reservation_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert expire_if_overdue(order_id=first.pk)
    assert not PromotionUse.objects.filter(promotion=limited).exists()
    third = place(make_cart((_variant(), 1)), shipping_method)
    assert third.discount_total.amount == D("1.00")


def test_a_promotion_outside_its_window_does_not_apply():
    now = timezone.now()
    _promotion(
        "order_tiers",
        name="Tomorrow",
        tiers=[("0", "10", None)],
        starts_at=now + timedelta(days=1),
    )
    _promotion(
        "order_tiers",
        name="Yesterday",
        tiers=[("0", "10", None)],
        starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=1),
    )
    assert _totals(make_cart((_variant(), 1))).discount.amount == D("0")


def test_an_amount_off_without_an_amount_in_the_currency_does_not_apply():
    shirt = _variant("20.00")
    promotion = _promotion("items_amount", name="Two off", targets=[shirt])
    assert _totals(make_cart((shirt, 1))).discount.amount == D("0")
    PromotionPrice.objects.create(promotion=promotion, currency="USD", amount_off=D("2"))
    assert _totals(make_cart((shirt, 1))).discount.amount == D("2.00")


def test_pricing_20_lines_against_50_promotions_takes_a_fixed_number_of_queries(
    shipping_method,
):
    variants = [_variant(f"{10 + i}.00") for i in range(20)]
    for i in range(50):
        kind = ["items_percent", "order_tiers", "buy_x_get_y", "free_shipping", "items_amount"][
            i % 5
        ]
        _promotion(
            kind,
            name=f"P{i}",
            percent=D(5 + i % 20),
            targets=[variants[i % 20].product],
            buy=[variants[(i + 1) % 20].product],
            tiers=[("0", str(i % 10), None), ("100", None, "7")],
            prices={"amount_off": D("1.50"), "budget": D("1000")},
            usage_limit=100,
            combines_with_order=bool(i % 2),
        )
    cart = make_cart(*[(v, 1 + i % 3) for i, v in enumerate(variants)])
    priced = price_cart(cart)
    small = price_cart(make_cart((variants[0], 1)))
    totals.compute(priced=small)  # the market of the currency is cached once per process
    with CaptureQueriesContext(connection) as captured:
        amounts = totals.compute(priced=priced, shipping_method=shipping_method, country="US")
    assert amounts.discount.amount > 0
    # The promotions, their prices, tiers and items (prefetched), their shipping methods,
    # their uses, then the shipping rates and the tax rate: the same for 1 line or 20.
    assert len(captured) <= 9, [q["sql"][:80] for q in captured]
    with CaptureQueriesContext(connection) as again:
        totals.compute(priced=small, shipping_method=shipping_method, country="US")
    assert len(again) == len(captured), [q["sql"][:80] for q in again]


def test_the_review_page_shows_each_promotion_and_what_is_missing(client, shipping_method):
    from tests.conftest import checkout_details

    _promotion("order_tiers", name="Spend more", tiers=[("20", "10", None)])
    free = _promotion(
        "free_shipping",
        name="Free shipping",
        prices={"min_subtotal": D("100")},
        combines_with_order=True,
    )
    Promotion.objects.filter(name="Spend more").update(combines_with_shipping=True)
    assert free.combines_with_shipping
    client.post(reverse("cart:add"), {"variant": _variant("30.00").pk, "quantity": 1})
    client.post(reverse("orders:checkout"), checkout_details(shipping_method))
    page = client.get(reverse("orders:review")).content.decode()
    assert "Spend more" in page and "−$3.00" in page
    assert "Spend $73.00 more for Free shipping." in page


def test_no_promotion_discounts_a_gift_card_nor_counts_its_price_towards_a_tier():
    _promotion("items_percent", name="Everything 20 % off", percent=D("20"))
    _promotion("order_tiers", name="Spend more", tiers=[("50", "10", None)])
    card = _variant("50.00", product=ProductFactory(is_gift_card=True, name="Gift card"))
    mug = _variant("10.00")
    cart = make_cart((card, 1), (mug, 1))
    amounts = _totals(cart)
    # 20 % off the mug alone; the tier needs $50 of goods that are not gift cards.
    assert amounts.discount.amount == D("2.00")
    card_line = cart.lines.get(variant=card).pk
    assert not amounts.line_discounts.get(card_line)
