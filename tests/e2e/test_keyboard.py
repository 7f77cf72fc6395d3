"""A whole purchase with the keyboard only: no click, no fill, only Tab, arrows, Space, Enter
and typing, from the home page to a paid order through 3-D Secure."""

import re

import pytest
from moneyed import Money
from playwright.sync_api import expect

from orders.models import Order
from tests.factories import CategoryFactory, ProductFactory, ShippingMethodFactory, VariantFactory

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const el = document.activeElement;
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  return [el.tagName, (el.getAttribute("aria-label") || label || el.textContent || "").trim(),
          el.id, el.name || "", el.type || "", el.value || ""];
}"""


@pytest.fixture
def hoodie_shop(transactional_db):
    ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    clothing = CategoryFactory(name="Clothing", slug="clothing")
    hoodie = ProductFactory(name="Fleece Hoodie", slug="hoodie", category=clothing)
    for size in ["S", "M", "L"]:
        VariantFactory(
            product=hoodie,
            sku=f"HOOD-{size}",
            options={"size": size},
            price=Money("75.00", "USD"),
            stock_on_hand=5,
        )


def _focused(page) -> dict:
    tag, name, element_id, field, kind, value = page.evaluate(FOCUSED)
    return {
        "tag": tag,
        "name": name,
        "id": element_id,
        "field": field,
        "type": kind,
        "value": value,
    }


def tab_to(page, matches, *, limit: int = 60, backwards: bool = False) -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; fail if it never does."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = _focused(page)
        if matches(focused):
            return focused
        seen.append(focused["name"][:30] or focused["field"] or focused["tag"])
    raise AssertionError(f"never reached by Tab; went through {seen}")


def named(text: str):
    return lambda f: f["name"] == text or f["name"].startswith(text)


def field(name: str):
    return lambda f: f["field"] == name


def test_a_whole_purchase_with_the_keyboard_only(page, stripe_webhooks, hoodie_shop, shoot):
    base = stripe_webhooks.url
    page.goto(base + "/")

    # The skip link comes first and takes the focus past the header.
    assert tab_to(page, named("Skip to content"), limit=1)
    page.keyboard.press("Enter")
    tab_to(page, lambda f: f["tag"] == "A" and "Fleece Hoodie" in f["name"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Fleece Hoodie")).to_be_visible()

    # The size picker is a radio group: Tab into it, arrows move the choice.
    tab_to(page, lambda f: f["type"] == "radio")
    page.keyboard.press("ArrowRight")
    expect(page.locator("[data-sku]")).to_have_text("HOOD-M")
    tab_to(page, field("quantity"))
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, named("Add to cart"))
    shoot("product")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    expect(page.get_by_test_id("cart-count")).to_have_text("2")

    tab_to(page, named("Check out"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    for name, text in [
        ("email", "guest@example.com"),
        ("name", "Grace Hopper"),
        ("line1", "1 Navy Way"),
        ("city", "Arlington"),
        ("postcode", "22201"),
    ]:
        tab_to(page, field(name))
        page.keyboard.type(text)
    tab_to(page, field("country"))
    page.keyboard.type("United States")  # a focused select follows what is typed
    expect(page.get_by_label("Country")).to_have_value("US")
    tab_to(page, field("region"))
    page.keyboard.type("Virginia")
    expect(page.get_by_label("State / province")).to_have_value("US-VA")
    tab_to(page, field("shipping_method"))
    page.keyboard.press("Space")
    shoot("details")
    tab_to(page, named("Continue to review"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Review your order")).to_be_visible()
    tab_to(page, named("Continue to payment"))
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("payment-element")).to_be_visible()

    for label, text in [
        ("Card number", "4000 0025 0000 3155"),  # asks for 3-D Secure
        ("Expiration date", "12 / 34"),
        ("Security code", "123"),
    ]:
        tab_to(page, named(label))
        page.keyboard.type(text)
    tab_to(page, lambda f: f["id"] == "pay-button")
    shoot("payment")
    page.keyboard.press("Enter")

    # The 3-D Secure dialog takes the focus; Enter completes it.
    expect(page.get_by_role("dialog")).to_be_visible()
    assert _focused(page)["name"] == "Complete authentication"
    shoot("three-d-secure")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/orders/[A-Z0-9]+/$"), timeout=20_000)
    expect(page.get_by_test_id("order-status")).to_have_text("Paid")
    shoot("paid")
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    assert list(order.lines.values_list("sku", "quantity")) == [("HOOD-M", 2)]
