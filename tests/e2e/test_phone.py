"""Phones first: no storefront, checkout or account page is wider than a phone's screen, and
the header stays one short row. The pages are tests/e2e/pages.py's, as for the axe check."""

import pytest

from tests.e2e.pages import PAGES, screenshot

pytestmark = pytest.mark.browser

WIDTHS = [320, 360, 390, 414]


def _measure(page) -> tuple[int, float]:
    width = page.evaluate("document.documentElement.scrollWidth")
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    return width, header


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_a_phone(page, live_server, small_shop, width):
    page.set_viewport_size({"width": width, "height": 800})
    too_wide = []
    for name, reach in PAGES.items():
        page.context.clear_cookies()
        reach(page, live_server.url)
        document, header = _measure(page)
        if document > width or header > 64:
            too_wide.append((name, document, header))
        if width == 320:
            screenshot(page, width, name)
    assert too_wide == []


def test_tap_targets_are_at_least_44_px_on_a_phone(page, live_server, small_shop):
    page.set_viewport_size({"width": 390, "height": 800})
    small = {}
    for name in ["home", "product", "cart-with-message", "checkout"]:
        page.context.clear_cookies()
        PAGES[name](page, live_server.url)
        targets = page.locator(
            "main button:visible, main .button:visible, main .pick:visible, .site-header a:visible"
        )
        heights = targets.evaluate_all(
            "els => els.map(e => [e.textContent.trim().slice(0, 30),"
            " e.getBoundingClientRect().height])"
        )
        short = [(text, h) for text, h in heights if h < 44]
        if short:
            small[name] = short
    assert small == {}


@pytest.mark.parametrize("width", [320, 414])
def test_the_country_is_chosen_and_its_select_is_not_cut_on_a_phone(
    page, live_server, small_shop, width
):
    page.set_viewport_size({"width": width, "height": 800})
    PAGES["checkout"](page, live_server.url)
    country = page.get_by_label("Country")
    assert country.evaluate("el => el.options[el.selectedIndex].text") == "United States"
    select_width, form_width = country.evaluate(
        "el => [el.getBoundingClientRect().width, el.closest('form').getBoundingClientRect().width]"
    )
    assert select_width >= form_width - 1, (select_width, form_width)
