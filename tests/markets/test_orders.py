"""Checking out in a market: the address decides (re-priced and told before paying), the order
is placed, charged at Stripe and refunded in its currency, and the dashboard never adds two
currencies together."""

import re
import uuid
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from moneyed import Money

from orders import selectors as order_selectors
from orders.exceptions import CheckoutError, CheckoutErrorCode, VoucherError
from orders.models import Order, Voucher, VoucherPrice
from orders.services import place_order
from payments import emulator_bridge, gateway, refunds, services
from shop.cart.models import Cart
from tests.conftest import ADDRESS, checkout_details, make_cart
from tests.factories import UserFactory, VariantFactory
from tests.markets.conftest import EU_ADDRESS, price_in, ship_in

pytestmark = [pytest.mark.markets, pytest.mark.django_db]

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
CHECKOUT_TOKEN = re.compile(r'name="checkout_token" value="([^"]+)"')


@pytest.fixture
def mug(eu_market):
    return price_in(
        VariantFactory(product__name="Mug", price=Money("12", "USD"), stock_on_hand=20),
        "EUR",
        "10.90",
    )


@pytest.fixture
def euro_shipping(shipping_method):
    return ship_in(shipping_method, "EUR", "4.90", free_over="50")


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _place_in_euros(variant, quantity, method, **kwargs) -> Order:
    cart = Cart.objects.create(currency="EUR")
    cart.lines.create(variant=variant, quantity=quantity)
    return place_order(
        cart=cart,
        email="grete@example.com",
        address=EU_ADDRESS,
        shipping_method=method,
        checkout_token=uuid.uuid4().hex,
        **kwargs,
    )


def test_an_address_in_another_market_reprices_the_cart_before_paying(client, mug, euro_shipping):
    client.post(reverse("cart:add"), {"variant": mug.pk, "quantity": 2})  # $24.00
    client.get(reverse("orders:checkout"))

    details = checkout_details(
        euro_shipping, country="AT", city="Wien", postcode="1010", line1="Hauptstraße 1"
    )
    response = client.post(reverse("orders:checkout"), details)

    assert response["Location"] == reverse("orders:review")
    notes = _messages(response)
    assert any("Your address is in Europe" in n and "EUR" in n for n in notes)
    review = client.get(reverse("orders:review")).content.decode()
    assert "€21.80" in review and "€4.90" in review and "$" not in review.split("<main", 1)[1]
    token = CHECKOUT_TOKEN.search(review).group(1)
    client.post(reverse("orders:review"), {"checkout_token": token})

    order = Order.objects.get()
    assert (order.currency, order.market.code) == ("EUR", "eu")
    assert order.total == Money("26.70", "EUR") and order.prices_include_tax
    assert order.lines.get().unit_price == Money("10.90", "EUR")


def test_a_market_changed_after_the_address_is_caught_on_the_review_page(
    client, mug, euro_shipping
):
    client.post(reverse("cart:add"), {"variant": mug.pk, "quantity": 1})
    client.post(reverse("orders:checkout"), checkout_details(euro_shipping, country="GB"))
    client.post(reverse("markets:choose"), {"market": "eu"})  # the cart is now in euros

    response = client.get(reverse("orders:review"))

    assert response.status_code == 302  # re-priced back for the British address
    assert Cart.objects.get().currency_code == "USD"
    assert "$12.00" in client.get(reverse("orders:review")).content.decode()


def test_placing_refuses_a_cart_in_another_currency_than_the_addresss_market(mug, euro_shipping):
    with pytest.raises(CheckoutError) as refused:
        place_order(
            cart=make_cart((mug, 1)),  # dollars
            email="grete@example.com",
            address=EU_ADDRESS,
            shipping_method=euro_shipping,
            checkout_token=uuid.uuid4().hex,
        )
    assert refused.value.code == CheckoutErrorCode.MARKET_CHANGED
    assert not Order.objects.exists()


def test_a_method_without_a_price_in_the_currency_is_not_offered(mug, shipping_method):
    with pytest.raises(CheckoutError) as refused:
        _place_in_euros(mug, 1, shipping_method)
    assert refused.value.code == CheckoutErrorCode.NOT_SHIPPABLE


def test_a_country_rate_in_the_currency_wins_over_the_price_for_every_country(mug, euro_shipping):
    ship_in(euro_shipping, "EUR", "9.90", country="AT")
    euro_shipping.refresh_from_db()
    to_austria = _place_in_euros(mug, 1, euro_shipping)
    assert to_austria.shipping_total == Money("9.90", "EUR")
    germany = {**EU_ADDRESS, "city": "Berlin", "postcode": "10115", "country": "DE"}
    assert euro_shipping.price_for(country="DE", goods=Money("10.90", "EUR")) == Money(
        "4.90", "EUR"
    )
    assert euro_shipping.price_for(country=germany["country"], goods=Money("60", "EUR")) == Money(
        "0", "EUR"
    )  # the row for every country keeps its free-over threshold


def test_with_country_rates_only_in_a_currency_other_countries_are_not_served(mug, shipping_method):
    ship_in(shipping_method, "EUR", "6.90", country="AT")
    assert shipping_method.price_for(country="AT", goods=Money("10", "EUR")) == Money("6.90", "EUR")
    assert shipping_method.price_for(country="DE", goods=Money("10", "EUR")) is None
    assert _place_in_euros(mug, 1, shipping_method).shipping_total == Money("6.90", "EUR")


def test_the_checkout_labels_a_method_priced_by_country_so(mug, shipping_method):
    from orders.forms import CheckoutForm

    ship_in(shipping_method, "EUR", "6.90", country="AT")
    form = CheckoutForm(currency="EUR")
    labels = [label for _value, label in form.fields["shipping_method"].choices]
    assert any("price by country" in str(label) for label in labels), labels


def test_free_shipping_over_the_threshold_set_in_the_currency(mug, euro_shipping):
    order = _place_in_euros(mug, 5, euro_shipping)  # €54.50 ≥ €50
    assert order.shipping_total == Money("0", "EUR")


def test_a_fixed_voucher_takes_off_the_amount_set_in_the_currency(mug, euro_shipping):
    voucher = Voucher.objects.create(code="FIVE", kind="fixed", value=Decimal("5"))
    with pytest.raises(VoucherError) as refused:  # no euro amount yet: not valid in euros
        _place_in_euros(mug, 2, euro_shipping, voucher_code="FIVE")
    assert refused.value.voucher_code == "not_in_currency"

    VoucherPrice.objects.create(
        voucher=voucher, currency="EUR", value=Decimal("4.50"), minimum_order=Decimal("20")
    )
    order = _place_in_euros(mug, 2, euro_shipping, voucher_code="FIVE")
    assert order.discount_total == Money("4.50", "EUR")
    with pytest.raises(VoucherError) as below:
        _place_in_euros(mug, 1, euro_shipping, voucher_code="FIVE")  # €10.90 < €20
    assert "€20.00" in str(below.value)


def test_a_percentage_voucher_works_in_any_currency(mug, euro_shipping):
    Voucher.objects.create(code="TEN", kind="percentage", value=Decimal("10"))
    order = _place_in_euros(mug, 2, euro_shipping, voucher_code="TEN")
    assert order.discount_total == Money("2.18", "EUR")


@pytest.mark.webhooks
def test_an_order_in_euros_is_charged_and_refunded_in_euro_cents(
    stripe_emulator, mug, euro_shipping, django_capture_on_commit_callbacks, mailoutbox
):
    order = _place_in_euros(mug, 2, euro_shipping)
    session = services.start_payment(order_id=order.pk)
    intent = gateway.retrieve_payment_intent(session.payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency) == (2670, "eur")

    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sync_payment_intent(payment=session.payment, source="test") == "paid"
        refund = refunds.refund(order_id=order.pk, actor="merchant", reason="Broken")

    assert refund.amount == Money("26.70", "EUR")
    at_stripe = gateway.list_refunds(session.payment.stripe_payment_intent_id)
    assert [(r["amount"], r["currency"]) for r in at_stripe] == [(2670, "eur")]
    order.refresh_from_db()
    assert order.refunded_total == Money("26.70", "EUR") and order.status == "refunded"
    bodies = " ".join(m.body for m in mailoutbox)
    assert "€26.70" in bodies and "$" not in bodies


@pytest.mark.webhooks
def test_a_yen_market_charges_whole_yen_end_to_end(
    stripe_emulator, jp_market, shipping_method, client
):
    teapot = price_in(VariantFactory(product__name="Teapot", stock_on_hand=9), "JPY", "1200")
    ship_in(shipping_method, "JPY", "500")
    client.post(reverse("markets:choose"), {"market": "jp"})
    client.post(reverse("cart:add"), {"variant": teapot.pk, "quantity": 3})
    assert "¥3,600" in client.get(reverse("cart:detail")).content.decode()
    address = {**ADDRESS, "country": "JP", "region": "JP-13", "city": "Tokyo"}
    cart = Cart.objects.get()
    order = place_order(
        cart=cart,
        email="k@example.com",
        address=address,
        shipping_method=shipping_method,
        checkout_token=uuid.uuid4().hex,
    )
    assert order.total == Money("4100", "JPY")
    session = services.start_payment(order_id=order.pk)
    intent = gateway.retrieve_payment_intent(session.payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency) == (4100, "jpy")  # never 410000
    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **GOOD_CARD)
    assert services.sync_payment_intent(payment=session.payment, source="test") == "paid"
    line = order.lines.get()
    refund = refunds.refund(
        order_id=order.pk, actor="merchant", reason="Chipped", lines={line.pk: 1}
    )
    assert refund.amount == Money("1200", "JPY")
    at_stripe = gateway.list_refunds(session.payment.stripe_payment_intent_id)
    assert [(r["amount"], r["currency"]) for r in at_stripe] == [(1200, "jpy")]


def test_the_dashboard_reports_each_currency_on_its_own(client, mug, euro_shipping, order):
    euro = _place_in_euros(mug, 2, euro_shipping)
    from django.utils import timezone

    Order.objects.filter(pk__in=[order.pk, euro.pk]).update(status="paid", paid_at=timezone.now())
    series = order_selectors.sales_by_currency(days=30)
    assert set(series) == {"USD", "EUR"}
    assert sum(d["total"] for d in series["USD"]) == Decimal("25.00")
    assert sum(d["total"] for d in series["EUR"]) == Decimal("26.70")
    top = {p["product_name"]: p["revenue"] for p in order_selectors.top_products(days=30)}
    assert Money("21.80", "EUR") in top["Mug"]

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    body = client.get(reverse("admin:dashboard")).content.decode()
    assert "Sales in USD" in body and "Sales in EUR" in body
    assert "$25.00" in body and "€26.70" in body
    assert "51.70" not in body  # never the two added together


def test_the_checkout_starts_with_a_method_priced_in_the_addresss_market(mug, shipping_method):
    from orders.checkout import default_shipping_method
    from tests.factories import ShippingMethodFactory

    courier = ship_in(ShippingMethodFactory(name="Courier", position=5), "EUR", "7.90")
    assert default_shipping_method(country="US") == shipping_method
    assert default_shipping_method(country="AT") == courier
