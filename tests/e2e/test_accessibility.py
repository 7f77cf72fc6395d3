"""axe-core (bundled by axe-playwright-python, so it runs offline) in Chromium on the pages a
shopper reaches, with messages and form errors shown, at a phone's width and a desktop's:
no violation of the default rules or the best practices.

The pages come from PAGES: a new page joins the check by being added there.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from moneyed import Money

from tests.factories import (
    CategoryFactory,
    ProductFactory,
    ShippingMethodFactory,
    UserFactory,
    VariantFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

WIDTHS = [390, 1280]
AXE = Axe()


PASSWORD = "correct horse battery"


@pytest.fixture
def small_shop(db, stripe_emulator):
    UserFactory(email="shopper@example.com")
    ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    category = CategoryFactory(name="Home & Kitchen", slug="kitchen", description="Things.")
    mug = ProductFactory(name="Stoneware Mug", slug="mug", category=category)
    VariantFactory(product=mug, options={"colour": "Forest"}, stock_on_hand=20)
    VariantFactory(product=mug, options={"colour": "Sand"}, stock_on_hand=0)
    lamp = ProductFactory(name="Brass Lamp", slug="lamp", category=category)
    VariantFactory(product=lamp, options={}, stock_on_hand=0)


def _fill_checkout(page, *, email="guest@example.com"):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Address", exact=True).fill("1 Navy Way")
    page.get_by_label("City").fill("Arlington")
    page.get_by_label("Postcode / ZIP").fill("22201")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("State / province").select_option("US-VA")


def _add_mug(page, base):
    page.goto(base + "/p/mug/")
    page.get_by_role("button", name="Add to cart").click()  # leaves a message on the cart


def _sign_in(page, base):
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill("shopper@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()


def _to_payment(page, base):
    _add_mug(page, base)
    page.goto(base + "/checkout/")
    _fill_checkout(page)
    page.get_by_role("button", name="Continue to review").click()
    page.get_by_test_id("place-order").click()
    page.get_by_test_id("payment-element").wait_for()


def _three_d_secure(page, base):
    _to_payment(page, base)
    page.get_by_label("Card number").fill("4000 0025 0000 3155")
    page.get_by_label("Expiration date").fill("12 / 34")
    page.get_by_label("Security code").fill("123")
    page.locator("#pay-button").click()
    page.get_by_role("dialog").wait_for()


# name -> how to reach it (the browser is on a fresh page with the shop's URL as `base`)
PAGES = {
    "home": lambda page, base: page.goto(base + "/"),
    "category": lambda page, base: page.goto(base + "/c/kitchen/?o=colour:Forest"),
    "category-bad-filter": lambda page, base: page.goto(base + "/c/kitchen/?price_min=-1"),
    "product": lambda page, base: page.goto(base + "/p/mug/"),
    "product-sold-out": lambda page, base: page.goto(base + "/p/lamp/"),
    "search": lambda page, base: page.goto(base + "/search/?q=mug"),
    "search-miss": lambda page, base: page.goto(base + "/search/?q=zzzz"),
    "search-empty": lambda page, base: page.goto(base + "/search/"),
    "cart-empty": lambda page, base: page.goto(base + "/cart/"),
    "cart-with-message": _add_mug,
    "checkout": lambda page, base: (_add_mug(page, base), page.goto(base + "/checkout/")),
    "checkout-errors": lambda page, base: (
        _add_mug(page, base),
        page.goto(base + "/checkout/"),
        page.get_by_role("button", name="Continue to review").click(),
    ),
    "review": lambda page, base: (
        _add_mug(page, base),
        page.goto(base + "/checkout/"),
        _fill_checkout(page),
        page.get_by_role("button", name="Continue to review").click(),
    ),
    "sign-in": lambda page, base: page.goto(base + "/accounts/login/"),
    "sign-in-errors": lambda page, base: (
        page.goto(base + "/accounts/login/"),
        page.locator("input[name=login]").fill("nobody@example.com"),
        page.locator("input[name=password]").fill("wrong password"),
        page.locator("form button[type=submit]").last.click(),
    ),
    "sign-up": lambda page, base: page.goto(base + "/accounts/signup/"),
    "password-reset": lambda page, base: page.goto(base + "/accounts/password/reset/"),
    "not-found": lambda page, base: page.goto(base + "/no-such-page/"),
    "pay": _to_payment,
    "pay-3d-secure-dialog": _three_d_secure,
    "order": lambda page, base: (
        _to_payment(page, base),
        page.goto(page.url.replace("/pay/", "/").replace("/payments/orders/", "/orders/")),
    ),
    "my-orders": lambda page, base: _sign_in(page, base),
    "addresses-errors": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/account/addresses/"),
        page.locator(
            "form.address-form button[type=submit], form button[type=submit]"
        ).last.click(),
    ),
    "email-addresses": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/accounts/email/"),
    ),
    "change-password": lambda page, base: (
        _sign_in(page, base),
        page.goto(base + "/accounts/password/change/"),
    ),
    "two-factor": lambda page, base: (_sign_in(page, base), page.goto(base + "/accounts/2fa/")),
}


EXPECTED_HEADINGS = {
    "home": "Good things, honestly priced.",
    "category": "Home & Kitchen",
    "category-bad-filter": "Home & Kitchen",
    "product": "Stoneware Mug",
    "product-sold-out": "Brass Lamp",
    "search": "Results for “mug”",
    "search-miss": "Results for “zzzz”",
    "search-empty": "Search",
    "cart-empty": "Your cart",
    "cart-with-message": "Your cart",
    "checkout": "Checkout",
    "checkout-errors": "Checkout",
    "review": "Review your order",
    "sign-in": "Sign In",
    "sign-in-errors": "Sign In",
    "sign-up": "Sign Up",
    "password-reset": "Password Reset",
    "not-found": "We could not find that page",
    "pay": "Pay $15.00",
    "pay-3d-secure-dialog": "Pay $15.00",
    "order": "Order",
    "my-orders": "My orders",
    "addresses-errors": "Addresses",
    "email-addresses": "Email Address",
    "change-password": "Change Password",
    "two-factor": "Two-Factor Authentication",
}


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_has_an_accessibility_violation(page, live_server, small_shop, width):
    page.set_viewport_size({"width": width, "height": 900})
    found, reached = {}, {}
    for name, reach in PAGES.items():
        page.context.clear_cookies()
        reach(page, live_server.url)
        heading = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
        reached[name] = heading.split()[0] if name == "order" else heading  # Order <number>
        result = AXE.run(page)
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result.response["violations"]
        ]
        if violations:
            found[name] = violations
    assert found == {}
    # Each page is the one meant, not a sign-in form or an error in its place.
    assert reached == EXPECTED_HEADINGS, reached


def test_the_3d_secure_dialog_is_a_modal_escape_cancels_and_focus_returns(
    page, live_server, small_shop
):
    _three_d_secure(page, live_server.url)
    dialog = page.get_by_role("dialog")

    # Focus is in the dialog and Tab never reaches the page behind it, which is inert (past
    # the last button, focus goes to the browser's own controls: `body` from in here).
    assert page.evaluate("document.activeElement.textContent") == "Complete authentication"
    for _ in range(5):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.activeElement === document.body || !!document.activeElement.closest('dialog')"
        )
    page.get_by_role("button", name="Fail authentication").focus()
    page.keyboard.press("Escape")

    # Cancelled: the authentication fails, the shopper is told so on the pay page (an alert),
    # and focus is back on the Pay button they pressed.
    page.get_by_text("We could not authenticate your payment").wait_for()
    assert dialog.count() == 0
    assert page.locator("#payment-message").get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.id") == "pay-button"
