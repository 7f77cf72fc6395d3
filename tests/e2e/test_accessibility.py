"""Accessibility beyond what axe sees: the 3-D Secure dialog is a modal.

axe-core on every page a shopper reaches, at a phone's width and a desktop's, is part of the
walk of tests/e2e/test_every_page.py (each page reached once, measured at every width)."""

import pytest

from tests.e2e.pages import three_d_secure

pytestmark = [pytest.mark.browser, pytest.mark.a11y]


def test_the_3d_secure_dialog_is_a_modal_escape_cancels_and_focus_returns(
    page, live_server, small_shop
):
    three_d_secure(page, live_server.url)
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
