"""The checkout on a phone, in a real Chromium: what the shopper types is never hidden."""

import pytest
from django.urls import reverse
from moneyed import Money
from playwright.sync_api import expect

from orders.selectors import order_key
from tests.conftest import SCREENSHOTS, make_cart, place
from tests.factories import ProductFactory, ShippingMethodFactory, VariantFactory

pytestmark = pytest.mark.browser

# Where each card field is, and what is on top at its centre; skipped when the field is off
# screen or under the site's sticky header (that is scrolling, not covering).
FIELDS_SEEN = """() => {
  const header = document.querySelector('.site-header').getBoundingClientRect().bottom;
  const pay = document.querySelector('#pay-button').getBoundingClientRect();
  const fields = [...document.querySelectorAll('[data-testid=payment-element] input')];
  return {
    payInView: pay.top >= header && pay.bottom <= innerHeight,
    fields: fields.map(f => {
      const r = f.getBoundingClientRect();
      const x = r.left + r.width / 2, y = r.top + r.height / 2;
      if (y <= header || y >= innerHeight) return 'out of view';
      const top = document.elementFromPoint(x, y);
      if (top === f) return 'visible';
      return top && top.closest('.summary') ? 'under the summary' : 'covered';
    }),
  };
}"""


@pytest.fixture
def six_line_order(transactional_db, stripe_emulator):
    shipping = ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    product = ProductFactory(name="Linen Napkin", slug="napkin")
    variants = [
        VariantFactory(product=product, options={"colour": colour}, stock_on_hand=5)
        for colour in ["Forest", "Sand", "Navy", "Ochre", "Rust", "Black"]
    ]
    return place(make_cart(*[(v, 1) for v in variants]), shipping)


def test_on_a_phone_the_order_summary_never_covers_the_card_fields(
    browser, live_server, six_line_order
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    number = six_line_order.number
    link = reverse("orders:detail", args=[number]) + "?key=" + order_key(six_line_order)
    page.goto(live_server.url + link)  # the email's link: the order is remembered in the session
    page.goto(live_server.url + reverse("payments:pay", args=[number]))
    expect(page.get_by_test_id("payment-element").locator("input")).to_have_count(3)

    height = page.evaluate("() => document.documentElement.scrollHeight")
    seen = []
    for top in range(0, height, 60):
        page.evaluate(f"() => window.scrollTo(0, {top})")
        seen.append(page.evaluate(FIELDS_SEEN))
    page.locator("#pay-button").scroll_into_view_if_needed()
    at_pay = page.evaluate(FIELDS_SEEN)
    if SCREENSHOTS:
        page.screenshot(path=str(_artifact("pay-390-six-lines.png")))
    context.close()

    assert at_pay["payInView"] and at_pay["fields"] == ["visible"] * 3
    covered = [s["fields"] for s in seen if set(s["fields"]) - {"visible", "out of view"}]
    assert covered == []


def _artifact(name: str):
    from tests.conftest import ARTIFACTS

    folder = ARTIFACTS / "e2e" / "checkout-phone"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
