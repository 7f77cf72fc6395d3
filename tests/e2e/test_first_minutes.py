"""A newcomer's first minutes in the demo: sign up, read the confirmation in the demo's
mailbox (DEBUG only), confirm in two clicks and be signed in."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_mailbox(settings, tmp_path):
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "shop.dev_emails.DevEmailBackend"
    settings.DEV_EMAIL_DIR = tmp_path / "emails"
    return settings.DEV_EMAIL_DIR


def test_sign_up_and_confirm_through_the_demos_mailbox(
    page, live_server, demo_mailbox, settings, shoot
):
    settings.SHOP_URL = live_server.url
    page.goto(live_server.url + "/accounts/signup/")
    page.locator("input[name=email]").fill("newcomer@example.com")
    page.locator("input[name=password1]").fill("a-long-passphrase-42")
    page.locator("input[name=password2]").fill("a-long-passphrase-42")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    shoot("check-your-inbox")

    page.get_by_role("link", name="Read it in the demo's mailbox").click()
    expect(page.get_by_role("heading", name="Emails the shop has sent")).to_be_visible()
    shoot("mailbox")
    page.get_by_role("link", name="Confirm your email address").click()
    shoot("email")
    # Click 1: the link in the email as the shopper sees it (HTML, in its frame).
    page.frame_locator("iframe.dev-email-html").locator(
        "a[href*='/accounts/confirm-email/']"
    ).first.click()
    # Click 2: allauth's confirmation button.
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name="My orders")).to_be_visible()
    shoot("signed-in")
