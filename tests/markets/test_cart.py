"""A cart keeps one currency: made in the shopper's market, re-priced (and told) when the
market changes, never holding what is not sold in its currency."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from moneyed import Money

from shop.cart.models import Cart
from shop.cart.selectors import price_cart
from tests.factories import UserFactory, VariantFactory
from tests.markets.conftest import price_in

pytestmark = [pytest.mark.markets, pytest.mark.django_db]


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _add(client, variant, quantity=1):
    return client.post(
        reverse("cart:add"),
        {"variant": variant.pk, "quantity": quantity, "product": variant.product_id},
    )


@pytest.fixture
def mug(eu_market):
    return price_in(VariantFactory(product__name="Mug", stock_on_hand=20), "EUR", "9.90")


@pytest.fixture
def lamp_usd_only(db):
    return VariantFactory(product__name="Lamp", price=Money("40", "USD"), stock_on_hand=20)


def test_a_cart_made_in_a_market_is_priced_in_its_currency(client, mug):
    client.post(reverse("markets:choose"), {"market": "eu"})
    _add(client, mug, 2)

    cart = Cart.objects.get()
    priced = price_cart(cart)
    assert cart.currency == "EUR"
    assert priced.subtotal == Money("19.80", "EUR")
    assert [line.unit_price for line in priced.lines] == [Money("9.90", "EUR")]
    assert "€19.80" in client.get(reverse("cart:detail")).content.decode()


def test_what_is_not_sold_in_the_market_cannot_be_added(client, mug, lamp_usd_only):
    client.post(reverse("markets:choose"), {"market": "eu"})
    response = _add(client, lamp_usd_only)

    assert response.status_code == 302
    assert any("not sold in EUR" in m for m in _messages(response))
    assert not Cart.objects.filter(lines__isnull=False).exists()


def test_changing_market_reprices_the_cart_and_removes_what_is_not_sold_there(
    client, mug, lamp_usd_only
):
    _add(client, mug, 1)
    _add(client, lamp_usd_only, 1)
    assert price_cart(Cart.objects.get()).subtotal == Money("50.00", "USD")

    client.post("/language/", {"language": "en"})  # English chosen: it stays (and the notes)
    response = client.post(
        reverse("markets:choose"), {"market": "eu", "next": reverse("cart:detail")}
    )

    notes = _messages(response)
    assert any("now priced in EUR" in n for n in notes)
    assert any("Lamp is not sold in Europe and was removed" in n for n in notes)
    priced = price_cart(Cart.objects.get())
    assert priced.subtotal == Money("9.90", "EUR")
    assert [line.variant.pk for line in priced.lines] == [mug.pk]


def test_going_back_reprices_in_the_shops_currency(client, mug):
    client.post(reverse("markets:choose"), {"market": "eu"})
    _add(client, mug, 3)
    client.post(reverse("markets:choose"), {"market": "world"})

    priced = price_cart(Cart.objects.get())
    assert priced.subtotal == Money("30.00", "USD")


def test_a_cart_left_in_another_currency_follows_the_market_when_shown(client, mug):
    _add(client, mug, 1)  # a USD cart
    response = client.get(reverse("cart:detail"), HTTP_ACCEPT_LANGUAGE="de-AT")

    assert Cart.objects.get().currency == "EUR"
    assert any("now priced in EUR" in n for n in _messages(response))


def test_signing_in_keeps_the_currency_of_the_cart_just_filled(client, mug, lamp_usd_only):
    user = UserFactory(password="correct horse battery")
    account_cart = Cart.objects.create(user=user)
    account_cart.lines.create(variant=lamp_usd_only, quantity=1)
    client.post(reverse("markets:choose"), {"market": "eu"})
    _add(client, mug, 2)

    from shop.cart.services import merge_into_user_cart

    session_cart = Cart.objects.get(user__isnull=True)
    notes = merge_into_user_cart(session_cart_id=session_cart.pk, user=user)

    cart = Cart.objects.get(user=user)
    assert cart.currency == "EUR"
    assert price_cart(cart).subtotal == Money("19.80", "EUR")
    assert any("Lamp is not sold in EUR" in n for n in notes)


def test_a_price_taken_away_blocks_the_line_it_does_not_convert(client, mug):
    from shop.catalog import services

    client.post(reverse("markets:choose"), {"market": "eu"})
    _add(client, mug, 1)
    services.set_prices(variant_id=mug.pk, prices={"EUR": None})

    priced = price_cart(Cart.objects.get())
    assert not priced.can_check_out
    assert priced.subtotal == Money("0", "EUR")
    assert "cannot be sold in EUR" in priced.blocking_problems[0]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["EUR", "", "JPY"]), st.integers(1, 3)),
        min_size=1,
        max_size=6,
    )
)
def test_a_cart_never_mixes_currencies(eu_market, jp_market, steps):
    """Whatever the order of market changes and additions, every line and the subtotal are
    in the cart's one currency, at the price set for that currency."""
    from shop.cart import services

    cart = Cart.objects.create()
    variants = []
    for n in range(3):
        v = VariantFactory(price=Money(10 + n, "USD"))
        price_in(v, "EUR", f"{9 + n}.50")
        price_in(v, "JPY", f"{1500 + n * 100}")
        variants.append(v)
    expected = {"": Decimal("10"), "EUR": Decimal("9.50"), "JPY": Decimal("1500")}
    for currency, which in steps:
        services.switch_currency(cart=cart, currency=currency)
        services.add_line(
            cart=Cart.objects.get(pk=cart.pk), variant_id=variants[which - 1].pk, quantity=1
        )
        cart.refresh_from_db()
        priced = price_cart(cart)
        code = cart.currency_code
        assert {line.unit_price.currency.code for line in priced.lines} == {code}
        assert priced.subtotal.currency.code == code
        first = min(variants, key=lambda v: v.pk)
        line = next((x for x in priced.lines if x.variant.pk == first.pk), None)
        if line is not None:
            assert line.unit_price.amount == expected[currency]
