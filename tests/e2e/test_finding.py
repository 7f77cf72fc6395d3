"""Finding things in a browser: the search boxes suggest products (a combobox: photo, price,
arrow keys, Enter, Escape) at a phone's width and a desktop's; the filters that are on are
chips above the results, folded behind "Filters (n)" on a phone, with a way past them for
keyboards; a filtered colour carries to the product page."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import submit

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [390, 1280])
def test_search_suggests_products_with_photo_and_price_and_the_keyboard_opens_one(
    page, live_server, small_shop, width
):
    page.set_viewport_size({"width": width, "height": 800})
    # The search page's own box on a phone, the header's on a desktop.
    page.goto(live_server.url + "/search/")
    box = page.locator("input[type=search]:visible")
    expect(box).to_have_count(1)
    box.press_sequentially("mug", delay=30)

    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option", name="Stoneware Mug")
    expect(option).to_be_visible()
    expect(option).to_contain_text("$10.00")
    assert option.locator(".suggestion-image").count() == 1
    expect(box).to_have_attribute("role", "combobox")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(box).to_have_attribute("aria-controls", listbox.get_attribute("id"))
    # Screen readers hear how many there are (a status message beside the box).
    expect(page.get_by_role("status").filter(has_text="One product suggested")).to_have_count(1)

    box.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    assert box.get_attribute("aria-activedescendant") is None

    box.press("ArrowDown")  # opens again on the first
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == live_server.url + "/p/mug/"


def test_enter_without_a_suggestion_chosen_searches(page, live_server, small_shop):
    page.goto(live_server.url + "/")
    box = page.locator("#search-q")
    box.press_sequentially("mug", delay=30)
    expect(page.get_by_role("option", name="Stoneware Mug")).to_be_visible()
    with page.expect_navigation():
        box.press("Enter")
    assert page.url == live_server.url + "/search/?q=mug"


def test_without_javascript_the_search_box_is_a_plain_form(browser, live_server, small_shop):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    box = page.locator("#search-q")
    assert box.get_attribute("role") is None
    assert page.get_by_role("listbox").count() == 0
    box.fill("mug")
    submit(page, page.locator("form[role=search] button"))
    assert page.locator("h1").inner_text() == "Results for “mug”"
    context.close()


def test_filters_on_a_phone_fold_away_and_what_is_on_shows_as_chips(
    browser, live_server, small_shop
):
    # Without JavaScript: the chips are links.
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/c/kitchen/?o=colour:Forest&in_stock=1")

    summary = page.locator(".filters-panel > summary")
    expect(summary).to_have_text("Filters (2)")
    assert page.locator(".filters-panel").get_attribute("open") is None
    first_card = page.locator(".card").first.bounding_box()
    assert first_card["y"] < 500, first_card  # products start near the top, not 1,000 px down
    chips = page.locator(".applied-filters a.chip")
    expect(chips).to_have_text(["In stock only ×", "Colour: Forest ×"])

    submit(page, page.get_by_role("link", name="Remove filter: Colour: Forest"))
    assert page.url.endswith("/c/kitchen/?in_stock=1")
    expect(page.locator(".applied-filters a.chip")).to_have_text(["In stock only ×"])
    expect(summary).to_have_text("Filters (1)")
    context.close()


def test_keyboard_users_skip_past_the_filters_to_the_results(page, live_server, small_shop):
    page.goto(live_server.url + "/c/kitchen/?o=colour:Forest")
    skip = page.get_by_role("link", name="Skip to results")
    for _ in range(12):  # the skip link comes before the first filter
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert not page.evaluate("!!document.activeElement.closest('.filters')")
        if focused == "Skip to results":
            break
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "results"
    page.keyboard.press("Tab")  # the first chip, then the results
    assert page.evaluate("!!document.activeElement.closest('#results')")


def test_a_filtered_colour_opens_the_product_in_that_colour(page, live_server, small_shop):
    # Sand is sold out, so the product page alone would open on Forest.
    page.goto(live_server.url + "/c/kitchen/?o=colour:Sand")
    # The card has its heart too ("Save Stoneware Mug to wishlist", a link until its script
    # makes it a button): the product's own link by its exact name.
    submit(page, page.get_by_role("link", name="Stoneware Mug", exact=True))
    assert "?variant=" in page.url
    expect(page.locator("input[data-label=Sand]")).to_be_checked()
