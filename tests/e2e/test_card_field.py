"""The demo's card field (our Stripe.js stand-in) behaves as Stripe's does while typing: the
number in groups of four, the expiry as "MM / YY" however it is typed, the caret where the
shopper is typing."""

import pytest
from playwright.sync_api import expect

from orders.models import Order
from tests.e2e.pages import _to_payment

pytestmark = pytest.mark.browser


def _caret(field) -> int:
    return field.evaluate("el => el.selectionStart")


def test_the_card_number_and_expiry_are_formatted_as_typed_and_1234_pays(
    page, live_server, small_shop
):
    _to_payment(page, live_server.url)
    number = page.get_by_label("Card number")
    expiry = page.get_by_label("Expiration date")

    number.press_sequentially("42424242", delay=10)
    expect(number).to_have_value("4242 4242")
    number.press_sequentially("42424242", delay=10)
    expect(number).to_have_value("4242 4242 4242 4242")
    assert _caret(number) == len("4242 4242 4242 4242")

    # A digit deleted in the middle: the groups close up and the caret stays where it was.
    number.evaluate("el => el.setSelectionRange(7, 7)")  # after "4242 42"
    number.press("Backspace")
    expect(number).to_have_value("4242 4424 2424 242")
    assert _caret(number) == 6
    number.press_sequentially("2", delay=10)
    expect(number).to_have_value("4242 4242 4242 4242")
    assert _caret(number) == 7

    expiry.press_sequentially("12", delay=10)
    expect(expiry).to_have_value("12 / ")  # the separator comes by itself
    expiry.press_sequentially("34", delay=10)
    expect(expiry).to_have_value("12 / 34")
    page.get_by_label("Security code").fill("123")

    with page.expect_navigation(url="**/orders/**"):
        page.locator("#pay-button").click()
    # (the shop of pages.py has a delivered order of its own: the review link's)
    assert Order.objects.get(email="guest@example.com").number in page.locator("h1").inner_text()


@pytest.mark.parametrize("typed", ["1234", "12/34", "12 / 34", "4/34"])
def test_every_usual_way_of_typing_the_expiry_is_understood(page, live_server, small_shop, typed):
    _to_payment(page, live_server.url)
    expiry = page.get_by_label("Expiration date")
    expiry.press_sequentially(typed, delay=10)
    expect(expiry).to_have_value("04 / 34" if typed == "4/34" else "12 / 34")
    assert _caret(expiry) == len("12 / 34")
    # Deleting the year takes the separator with it, leaving the month to correct.
    expiry.press("Backspace")
    expiry.press("Backspace")
    expect(expiry).to_have_value("04" if typed == "4/34" else "12")
