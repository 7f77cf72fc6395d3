"""A shopper opens an account in a real Chromium: signs up, confirms the email from the
outbox, sets up an authenticator app, signs out, signs back in with a code, sees the order
placed earlier as a guest."""

import re

import pytest
from moneyed import Money
from playwright.sync_api import expect

from tests.conftest import make_cart, place
from tests.factories import ShippingMethodFactory, VariantFactory, totp_code

pytestmark = pytest.mark.browser

PASSWORD = "a-long-passphrase-42"


def test_sign_up_verify_set_up_two_factor_and_sign_back_in(page, live_server, mailoutbox, shoot):
    shipping = ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    earlier = place(
        make_cart((VariantFactory(product__name="Tea Tin"), 1)), shipping, email="kit@example.com"
    )
    base = live_server.url

    page.goto(base + "/accounts/signup/")
    page.locator("input[name=email]").fill("kit@example.com")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    shoot("signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    shoot("verification-sent")

    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", mailoutbox[-1].body).group(0)
    page.goto(base + "/accounts/" + link.split("/accounts/", 1)[1])
    shoot("confirm")
    page.get_by_role("button", name="Confirm").click()

    # Confirmed in the browser that signed up: signed in at once.
    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    expect(page.get_by_test_id("my-order")).to_contain_text(earlier.number)

    page.goto(base + "/accounts/2fa/totp/activate/")
    if page.locator("input[name=password]").count():  # allauth asks who you are first
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Confirm").click()
    secret = page.locator("#authenticator_secret").input_value()
    page.locator("input[name=code]").fill(totp_code(secret))
    shoot("activate-totp")
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Recovery codes").first).to_be_visible()
    shoot("two-factor-on")

    page.locator("summary", has_text="Account").click()  # the header's account menu
    shoot("account-menu")
    page.get_by_role("button", name="Sign out").click()
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill("kit@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    page.locator("input[name=code]").fill(totp_code(secret, offset=1))
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    expect(page.get_by_test_id("my-order")).to_contain_text(earlier.number)
    shoot("my-orders")
