"""axe-core (bundled by axe-playwright-python, so it runs offline) in Chromium on the pages a
shopper reaches, with messages and form errors shown, at a phone's width and a desktop's:
no violation of the default rules or the best practices.

The pages come from tests/e2e/pages.py: a new page joins the check by being added there.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.pages import EXPECTED_HEADINGS, PAGES, screenshot, three_d_secure

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

WIDTHS = [390, 1280]
AXE = Axe()


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_has_an_accessibility_violation(page, live_server, small_shop, width):
    page.set_viewport_size({"width": width, "height": 900})
    found, reached = {}, {}
    for name, reach in PAGES.items():
        page.context.clear_cookies()
        reach(page, live_server.url)
        heading = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
        reached[name] = heading.split()[0] if name == "order" else heading  # Order <number>
        screenshot(page, width, name)
        if page.evaluate("document.documentElement.scrollWidth") > width:
            found.setdefault(name, []).append(("wider than the screen", width))
        result = AXE.run(page)
        violations = [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result.response["violations"]
        ]
        if violations:
            found.setdefault(name, []).extend(violations)
    assert found == {}
    # Each page is the one meant, not a sign-in form or an error in its place.
    assert reached == EXPECTED_HEADINGS, reached


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
