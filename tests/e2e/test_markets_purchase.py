"""The same purchase in both markets, at a phone's width, paid through the emulator and then
refunded: in dollars to an American address, in euros to an Austrian one. The shopper sees,
is charged and is refunded in one currency each time."""

import re
from decimal import Decimal

import pytest
from moneyed import Money
from playwright.sync_api import expect

from markets.models import Market
from markets.selectors import ensure_default_market
from orders.models import Order, ShippingMethodPrice
from payments import gateway, refunds
from shop.catalog import services as catalog_services
from tests.e2e.pages import choose_market, fill_austrian_address
from tests.factories import CategoryFactory, ProductFactory, ShippingMethodFactory, VariantFactory

pytestmark = [pytest.mark.browser, pytest.mark.markets]


@pytest.fixture
def two_markets(transactional_db):
    ensure_default_market()  # flushed by an earlier transactional test, with its migration row
    Market.objects.create(
        name="Europe", code="eu", currency="EUR", countries=["AT", "DE", "FR", "NL"],
        language="de", prices_include_tax=True, position=1,
    )  # fmt: skip
    method = ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    ShippingMethodPrice.objects.create(method=method, currency="EUR", price=Decimal("4.90"))
    kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
    mug = ProductFactory(name="Stoneware Mug", slug="stoneware-mug", category=kitchen)
    variant = VariantFactory(
        product=mug, options={}, price=Money("18.00", "USD"), sku="MUG", stock_on_hand=9
    )
    catalog_services.set_prices(variant_id=variant.pk, prices={"EUR": Decimal("16.90")})


def _fill_us_address(page):
    page.get_by_label("Email").fill("grace@example.com")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address", exact=True).fill("1 Navy Way")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("Postcode / ZIP").fill("22201")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State / province").select_option("US-VA")


CASES = {
    # market, address, price on the page, total, charged (minor units, currency)
    "dollars": ("Worldwide (USD)", _fill_us_address, "$18.00", "$41.00", (4100, "usd")),
    "euros": ("Europe (EUR)", fill_austrian_address, "€16.90", "€38.70", (3870, "eur")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_the_same_purchase_in_each_market(page, stripe_webhooks, two_markets, shoot, case):
    market, fill_address, price, total, charged = CASES[case]
    base = stripe_webhooks.url
    page.set_viewport_size({"width": 390, "height": 844})
    choose_market(page, base, market)
    page.goto(base + "/p/stoneware-mug/")
    expect(page.locator("[data-price]")).to_have_text(price)
    shoot(f"{case}-product")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    shoot(f"{case}-cart")

    page.goto(base + "/checkout/")
    fill_address(page)
    page.get_by_role("button", name="Continue to review").click()
    expect(page.get_by_test_id("order-total")).to_have_text(total)
    shoot(f"{case}-review")
    page.get_by_test_id("place-order").click()

    page.get_by_label("Card number").fill("4242 4242 4242 4242")
    page.get_by_label("Expiration date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    shoot(f"{case}-payment")
    page.get_by_role("button", name=re.compile("Pay " + re.escape(total))).click()
    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]+/$"), timeout=20_000)
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    shoot(f"{case}-paid")

    order = Order.objects.get()
    payment = order.payments.get(status="succeeded")
    intent = gateway.retrieve_payment_intent(payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency) == charged
    refund = refunds.refund(order_id=order.pk, actor="merchant", reason="Changed their mind")
    assert refund.amount == order.total
    at_stripe = gateway.list_refunds(payment.stripe_payment_intent_id)
    assert [(r["amount"], r["currency"]) for r in at_stripe] == [charged]
    page.reload()
    expect(page.get_by_test_id("order-status")).to_have_text("Refunded")
    expect(page.locator("main")).to_contain_text(total)
    shoot(f"{case}-refunded")
