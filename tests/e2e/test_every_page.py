"""Every page a shopper reaches (tests/e2e/pages.py), reached once and measured at every width
on the same loaded page (the viewport resized, the page laid out again, not loaded again):

- phones first (320, 360, 390, 414 px): no page wider than the screen, the header one short
  row; at 390 px the tap targets of the pages a shopper taps most are 44 px or taller; at 320
  and 414 px the checkout's country is chosen and its select is not cut;
- axe-core (bundled by axe-playwright-python, so it runs offline) at a phone's width (390) and
  a desktop's (1280): no violation of the default rules or the best practices, and no page
  wider than the screen; each page is the one meant (its heading), at both widths.

A page whose script sets it up by the screen's width when it loads (static/js/listing.js opens
the filter panel on wide screens; the search page's suggestions open in the header's box
there) is reached again at the desktop width, so axe sees it as a desktop shopper does.

Screenshots of each page at each width only when asked (SHOP_SCREENSHOTS=1), and of a page at
the width where it failed a check: test-artifacts/pages/<width>/<page>.png.
"""

from pprint import pformat

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import SCREENSHOTS
from tests.e2e.pages import EXPECTED_HEADINGS, PAGES, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

PHONE_WIDTHS = [320, 360, 390, 414]
AXE_WIDTHS = [390, 1280]
WIDTHS = sorted({*PHONE_WIDTHS, *AXE_WIDTHS})
WIDE = 761  # static/js/listing.js: `(min-width: 761px)`
HEIGHT = 900
HEADER_MAX = 64  # px: one short row
TAP_MIN = 44  # px
TAP_PAGES = {"home", "product", "cart-with-message", "checkout"}
TAP_WIDTH = 390
COUNTRY_WIDTHS = {320, 414}
AXE = Axe()

TAP_TARGETS = (
    "main button:visible, main .button:visible, main .pick:visible, .site-header a:visible"
)


def _set_up_by_width(page, name: str) -> bool:
    """Whether the page's script read the screen's width when it loaded."""
    return name == "search-suggestions" or bool(page.locator("[data-open-wide]").count())


def _axe_violations(page) -> list[dict]:
    """axe.run on the page as it is laid out now (axe-playwright-python's Axe.run, but its
    500 kB script injected once per loaded page rather than at each width)."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    return page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]


# Pages whose heading ends with the order's number: "Order <number>".
NUMBERED = {"order", "delivered-order", "return-requested", "return-form", "return-form-errors"}


def _heading(page, name: str) -> str:
    heading = page.locator("h1").first.inner_text() if page.locator("h1").count() else ""
    return heading.rsplit(maxsplit=1)[0] if name in NUMBERED else heading


def _measure(page, name: str, width: int, problems: dict, headings: dict) -> None:
    page.set_viewport_size({"width": width, "height": HEIGHT})
    found = []
    document = page.evaluate("document.documentElement.scrollWidth")  # lays the page out
    if document > width:
        found.append(("wider than the screen", document))
    if width in PHONE_WIDTHS:
        header = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().height"
        )
        if header > HEADER_MAX:
            found.append(("header taller than one row", header))
    if width == TAP_WIDTH and name in TAP_PAGES:
        heights = page.locator(TAP_TARGETS).evaluate_all(
            "els => els.map(e => [e.textContent.trim().slice(0, 30),"
            " e.getBoundingClientRect().height])"
        )
        short = [(text, h) for text, h in heights if h < TAP_MIN]
        if short:
            found.append(("tap targets under 44 px", short))
    if width in COUNTRY_WIDTHS and name == "checkout":
        country = page.get_by_label("Country")
        chosen = country.evaluate("el => el.options[el.selectedIndex].text")
        if chosen != "United States":
            found.append(("country chosen", chosen))
        select_width, form_width = country.evaluate(
            "el => [el.getBoundingClientRect().width,"
            " el.closest('form').getBoundingClientRect().width]"
        )
        if select_width < form_width - 1:
            found.append(("country select cut", (select_width, form_width)))
    if width in AXE_WIDTHS:
        headings[(name, width)] = _heading(page, name)
        found.extend(
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in _axe_violations(page)
        )
    if found:
        problems[(name, width)] = found
    if found or SCREENSHOTS:
        screenshot(page, width, name)


def test_every_page_fits_every_width_and_has_no_accessibility_violation(
    page, live_server, small_shop
):
    problems, headings = {}, {}
    for name, reach in PAGES.items():
        page.context.clear_cookies()
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        reach(page, live_server.url)
        reached_narrow = True
        for width in WIDTHS:
            if width >= WIDE and reached_narrow and _set_up_by_width(page, name):
                page.context.clear_cookies()
                page.set_viewport_size({"width": width, "height": HEIGHT})
                reach(page, live_server.url)
                reached_narrow = False
            _measure(page, name, width, problems, headings)

    assert problems == {}, pformat(problems)
    # Each page is the one meant, not a sign-in form or an error in its place.
    expected = {(name, width): EXPECTED_HEADINGS[name] for name in PAGES for width in AXE_WIDTHS}
    assert headings == expected, pformat(
        {key: heading for key, heading in headings.items() if heading != expected[key]}
    )
