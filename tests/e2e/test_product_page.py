"""The product page in a real Chromium: one picker per option, with and without JavaScript,
the gallery by mouse and keyboard, and a failed add that keeps the shopper's choice."""

import re
import time

import pytest
from django.core.files.base import ContentFile
from moneyed import Money
from playwright.sync_api import expect

from shop.cart.models import CartLine
from shop.catalog.models import OptionValue
from tests.conftest import SCREENSHOTS
from tests.factories import ProductFactory, ProductImageFactory, VariantFactory, png_bytes

pytestmark = pytest.mark.browser


@pytest.fixture
def hoodie(transactional_db):
    """Sizes S, M, L and colours Forest and Sand: M in Sand is sold out, L is made only in
    Forest, and L costs more. A photo per colour and one for both."""
    product = ProductFactory(name="Fleece Hoodie", slug="hoodie")
    for size, colour, stock, price in [
        ("S", "Forest", 10, "75.00"),
        ("S", "Sand", 10, "75.00"),
        ("M", "Forest", 10, "75.00"),
        ("M", "Sand", 0, "75.00"),
        ("L", "Forest", 3, "80.00"),
    ]:
        VariantFactory(
            product=product,
            sku=f"HOOD-{size}-{colour[:3].upper()}",
            options={"size": size, "colour": colour},
            stock_on_hand=stock,
            price=Money(price, "USD"),
        )
    colours = {v.value: v for v in OptionValue.objects.filter(option_type__code="colour")}
    colours["Forest"].swatch, colours["Sand"].swatch = "#2f5d50", "#d8c3a0"
    for value in colours.values():
        value.save()
    for position, (colour, rgb) in enumerate([("Forest", (47, 93, 80)), ("Sand", (216, 195, 160))]):
        ProductImageFactory(
            product=product,
            position=position,
            option_value=colours[colour],
            alt_text=f"Fleece Hoodie in {colour.lower()}",
            image=ContentFile(png_bytes((480, 480), rgb), name=f"hoodie-{colour}.png"),
        )
    ProductImageFactory(
        product=product,
        position=5,
        alt_text="Close-up of the fleece",
        image=ContentFile(png_bytes((480, 480), (120, 120, 120)), name="hoodie-close.png"),
    )
    return product


def _pick(page, option: str, value: str):
    group = page.get_by_role("group", name=re.compile(option))
    group.get_by_role("radio", name=re.compile(rf"^{re.escape(value)}( \(|$)")).click()


def _visible_photos(page) -> list[str]:
    return page.locator(".gallery-slide:not([hidden]) img").evaluate_all(
        "imgs => imgs.map(i => i.alt)"
    )


def test_pickers_follow_the_choice_and_never_reach_a_dead_end(page, live_server, hoodie, shoot):
    page.goto(live_server.url + "/p/hoodie/")
    shoot("first")
    assert _visible_photos(page) == ["Fleece Hoodie in forest", "Close-up of the fleece"]

    _pick(page, "Colour", "Sand")
    expect(page).to_have_url(re.compile(r"\?variant=HOOD-S-SAN$"))
    expect(page.locator("[data-sku]")).to_have_text("HOOD-S-SAN")
    assert _visible_photos(page) == ["Fleece Hoodie in sand", "Close-up of the fleece"]
    shoot("sand")

    _pick(page, "Size", "L")  # L is not made in Sand: the colour stays Sand, and says so
    expect(page.get_by_role("radio", name=re.compile("Sand"))).to_be_checked()
    expect(page.get_by_role("radio", name=re.compile("Sand"))).to_have_accessible_name(
        re.compile(r"\(not made\)")
    )
    expect(page.locator("[data-combination-text]")).to_have_text("Not made in L / Sand")
    _pick(page, "Colour", "Forest")  # and costs more
    expect(page.locator("[data-price]")).to_have_text("$80.00")
    expect(page.locator("[data-stock]")).to_have_text("Only 3 left")
    expect(page.locator("[data-combination-text]")).to_be_hidden()
    shoot("large")

    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    line = CartLine.objects.get()
    assert (line.variant.sku, line.quantity) == ("HOOD-L-FOR", 1)


def test_a_later_choice_never_changes_an_earlier_one(page, live_server, hoodie):
    """Sand, then M (sold out in Sand): both stay chosen, nothing can be added, and the page
    offers what can be bought instead."""
    page.goto(live_server.url + "/p/hoodie/")
    _pick(page, "Colour", "Sand")
    _pick(page, "Size", "M")

    expect(page.get_by_role("radio", name=re.compile("Sand"))).to_be_checked()
    expect(page.get_by_role("radio", name=re.compile(r"^M( \(|$)"))).to_be_checked()
    expect(page.get_by_role("button", name="Add to cart")).to_be_hidden()
    expect(page.get_by_test_id("sold-out")).to_be_disabled()
    expect(page.locator("[data-combination-text]")).to_have_text("Sold out in M / Sand")
    offers = page.locator("[data-alternatives] a")
    expect(offers).to_have_text(["M / Forest", "S / Sand"])
    expect(page).to_have_url(re.compile(r"\?variant=HOOD-M-SAN$"))
    if SCREENSHOTS:
        page.screenshot(path=str(_artifact("sold-out-combination.png")))

    offers.first.click()
    expect(page.locator("[data-sku]")).to_have_text("HOOD-M-FOR")
    expect(page.get_by_role("button", name="Add to cart")).to_be_enabled()


def test_a_failed_add_keeps_the_choice_and_the_quantity(page, live_server, hoodie, shoot):
    page.goto(live_server.url + "/p/hoodie/")
    _pick(page, "Size", "L")
    page.get_by_label("Quantity").fill("7")  # 3 left
    page.get_by_role("button", name="Add to cart").click()

    expect(page.locator(".message.error")).to_contain_text("only 3")
    expect(page).to_have_url(re.compile(r"/p/hoodie/\?variant=HOOD-L-FOR&quantity=7$"))
    expect(page.get_by_role("radio", name="L", exact=True)).to_be_checked()
    expect(page.get_by_label("Quantity")).to_have_value("7")
    shoot("kept")
    assert not CartLine.objects.exists()


def test_the_page_works_without_javascript(browser, live_server, hoodie):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/p/hoodie/?variant=HOOD-M-FOR")
    expect(page.get_by_role("radio", name=re.compile(r"^M( \(|$)"))).to_be_checked()
    expect(page.locator("[data-sku]")).to_have_text("HOOD-M-FOR")

    _pick(page, "Size", "S")
    _pick(page, "Colour", "Sand")
    page.get_by_role("button", name="Show price and stock for this choice").click()
    expect(page).to_have_url(re.compile(r"variant=HOOD-S-SAN"))
    expect(page.locator("[data-sku]")).to_have_text("HOOD-S-SAN")
    assert _visible_photos(page) == ["Fleece Hoodie in sand", "Close-up of the fleece"]

    _pick(page, "Size", "M")  # sold out in Sand: both choices kept, and said so
    page.get_by_role("button", name="Show price and stock for this choice").click()
    expect(page.get_by_role("radio", name=re.compile("Sand"))).to_be_checked()
    expect(page.get_by_role("radio", name=re.compile(r"^M( \(|$)"))).to_be_checked()
    expect(page.locator("[data-combination-text]")).to_have_text("Sold out in M / Sand")
    expect(page.get_by_test_id("sold-out")).to_be_disabled()
    _pick(page, "Size", "L")  # not made in Sand
    page.get_by_role("button", name="Show price and stock for this choice").click()
    expect(page.get_by_role("radio", name=re.compile("Sand"))).to_be_checked()
    expect(page.locator("[data-combination-text]")).to_have_text("Not made in L / Sand")
    page.get_by_role("link", name="L / Forest").click()
    expect(page.locator("[data-sku]")).to_have_text("HOOD-L-FOR")
    _pick(page, "Size", "S")
    _pick(page, "Colour", "Sand")
    page.get_by_role("button", name="Show price and stock for this choice").click()

    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("heading", name="Your cart")).to_be_visible()
    line = CartLine.objects.get()
    assert (line.variant.sku, line.quantity) == ("HOOD-S-SAN", 2)
    if SCREENSHOTS:
        page.screenshot(path=str(_artifact("no-javascript-cart.png")), full_page=True)
    context.close()


def test_the_gallery_works_by_mouse_and_keyboard(page, live_server, hoodie, shoot):
    page.goto(live_server.url + "/p/hoodie/")
    thumbs = page.locator(".thumbs li:not([hidden]) .thumb")
    expect(thumbs).to_have_count(2)
    expect(thumbs.nth(0)).to_have_attribute("aria-current", "true")

    thumbs.nth(1).click()
    expect(thumbs.nth(1)).to_have_attribute("aria-current", "true")
    _eventually(page, "document.querySelector('.gallery-main').scrollLeft > 100")  # close-up

    thumbs.nth(1).focus()
    page.keyboard.press("ArrowLeft")
    expect(thumbs.nth(0)).to_be_focused()
    expect(thumbs.nth(0)).to_have_attribute("aria-current", "true")
    _eventually(page, "document.querySelector('.gallery-main').scrollLeft < 10")

    images = page.locator(".gallery-slide img")
    assert images.first.get_attribute("loading") == "eager"
    assert "webp" in page.locator(".gallery-slide source").first.get_attribute("type")
    for attribute in ("width", "height", "srcset"):
        assert images.first.get_attribute(attribute)
    shoot("gallery")


def test_the_gallery_scrolls_with_the_keyboard(page, live_server, hoodie):
    """The scroller itself takes focus (a labelled region): the arrow keys scroll the photos."""
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + "/p/hoodie/")
    gallery = page.locator(".gallery-main")
    assert gallery.get_attribute("tabindex") == "0" and gallery.get_attribute("aria-label")

    gallery.focus()
    page.keyboard.press("ArrowRight")

    _eventually(page, "document.querySelector('.gallery-main').scrollLeft > 0")


def _eventually(page, condition: str, seconds: float = 5) -> None:
    """wait_for_function evaluates a string, which the shop's CSP forbids: poll instead."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(f"() => {condition}"):
        assert time.monotonic() < deadline, condition
        page.wait_for_timeout(50)


def _artifact(name: str):
    from tests.conftest import ARTIFACTS

    folder = ARTIFACTS / "e2e" / "product-page"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / name
