"""Phones first: no storefront or checkout page is wider than a phone's screen, and the
header stays one short row."""

import pytest
from moneyed import Money

from tests.factories import CategoryFactory, ProductFactory, ShippingMethodFactory, VariantFactory

pytestmark = pytest.mark.browser

WIDTHS = [320, 360, 390, 414]


@pytest.fixture
def small_shop(db):
    ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    category = CategoryFactory(name="Home & Kitchen", slug="kitchen")
    for name, slug in [("Stoneware Mug", "mug"), ("Linen Tea Towels (set of 2)", "towels")]:
        product = ProductFactory(name=name, slug=slug, category=category)
        VariantFactory(product=product, options={"colour": "Forest"}, stock_on_hand=20)
        VariantFactory(product=product, options={"colour": "Sand"}, stock_on_hand=20)


def _measure(page) -> tuple[int, float]:
    width = page.evaluate("document.documentElement.scrollWidth")
    header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
    return width, header


def test_no_page_is_wider_than_a_phone(page, live_server, small_shop, shoot):
    base = live_server.url
    page.goto(base + "/p/mug/")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(base + "/p/towels/")
    page.get_by_role("button", name="Add to cart").click()
    urls = ["/", "/c/kitchen/", "/p/mug/", "/search/?q=mug", "/search/?q=zzzz", "/cart/",
            "/checkout/", "/accounts/login/", "/accounts/signup/", "/no-such-page/"]  # fmt: skip
    too_wide = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            page.goto(base + url)
            document, header = _measure(page)
            if document > width or header > 64:
                too_wide.append((width, url, document, header))
        shoot(f"cart-{width}")
    assert too_wide == []
