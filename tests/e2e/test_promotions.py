"""A cart priced through each kind of promotion, in Chromium at a phone's width and a
desktop's: the sale on the product page (was / now, the reason, for the variant chosen), the
promotions applied in the cart with their amounts and what is missing for the next one, the
review page's totals; axe finds nothing and no page is wider than the screen. Screenshots
(SHOP_SCREENSHOTS=1): test-artifacts/promotions/<width>/<page>.png."""

from decimal import Decimal
from pprint import pformat

import pytest
from axe_playwright_python.sync_playwright import Axe
from moneyed import Money

from tests.conftest import ARTIFACTS, SCREENSHOTS
from tests.factories import CategoryFactory, ProductFactory, ShippingMethodFactory, VariantFactory

pytestmark = [pytest.mark.browser, pytest.mark.a11y, pytest.mark.promotions]

AXE = Axe()
WIDTHS = [390, 1280]


@pytest.fixture
def promotions_shop(transactional_db):
    from markets.selectors import ensure_default_market
    from promotions.models import Promotion, PromotionPrice, PromotionTarget, PromotionTier

    ensure_default_market()
    clothing = CategoryFactory(name="Clothing", slug="clothing")
    hoodie = ProductFactory(name="Merino Hoodie", slug="hoodie", category=clothing)
    for size in ("M", "L"):
        VariantFactory(
            product=hoodie, sku=f"HOODIE-{size}", options={"size": size},
            price=Money("60.00", "USD"), stock_on_hand=20,
        )  # fmt: skip
    socks = ProductFactory(name="Wool Socks", slug="socks", category=CategoryFactory())
    VariantFactory(product=socks, sku="SOCKS", price=Money("8.00", "USD"), stock_on_hand=50)
    ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))

    sale = Promotion.objects.create(
        name="Hoodie week", kind="items_percent", percent=Decimal(20), combines_with_order=True
    )
    PromotionTarget.objects.create(promotion=sale, category=clothing)
    socks_deal = Promotion.objects.create(
        name="Socks: 3 for 2", kind="buy_x_get_y", percent=Decimal(100), buy_quantity=2,
        get_quantity=1, combines_with_order=True,
    )  # fmt: skip
    PromotionTarget.objects.create(promotion=socks_deal, product=socks)
    PromotionTarget.objects.create(promotion=socks_deal, product=socks, role="buy")
    tiers = Promotion.objects.create(
        name="Spend more, save more", kind="order_tiers", combines_with_product=True
    )
    for threshold, percent in (("50", "5"), ("150", "10")):
        PromotionTier.objects.create(
            promotion=tiers, currency="USD", threshold=Decimal(threshold), percent=Decimal(percent)
        )
    free = Promotion.objects.create(
        name="Free shipping over $100", kind="free_shipping",
        combines_with_product=True, combines_with_order=True,
    )  # fmt: skip
    PromotionPrice.objects.create(promotion=free, currency="USD", min_subtotal=Decimal(100))


def _check(page, name: str, problems: dict) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = []
        wide = page.evaluate("document.documentElement.scrollWidth")
        if wide > width:
            found.append(("wider than the screen", wide))
        if not page.evaluate("typeof window.axe === 'object'"):
            page.evaluate(AXE.axe_script)
        found += [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in page.evaluate("axe.run(document, {resultTypes: ['violations']})")["violations"]
        ]
        if found:
            problems[(name, width)] = found
        if found or SCREENSHOTS:
            folder = ARTIFACTS / "promotions" / str(width)
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_cart_priced_through_each_kind_of_promotion(page, live_server, promotions_shop):
    problems = {}
    page.goto(f"{live_server.url}/p/hoodie/?variant=HOODIE-L")
    price_line = page.locator("[data-price-line]")
    assert "$48.00" in price_line.inner_text() and "Hoodie week" in price_line.inner_text()
    page.get_by_label("M", exact=True).check()  # the script shows the chosen variant's sale
    assert "$48.00" in page.locator("[data-price]").inner_text()
    assert page.locator("[data-was]").is_visible()
    _check(page, "product", problems)
    page.get_by_role("button", name="Add to cart").click()

    page.goto(f"{live_server.url}/p/socks/")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    page.goto(f"{live_server.url}/cart/")
    body = page.locator("main").inner_text()
    assert "Add 1 more Wool Socks" in body, body
    _check(page, "cart-with-hints", problems)

    page.locator("input[name=quantity]").last.fill("3")
    page.locator("form.qty-form button").last.click()
    body = page.locator("main").inner_text()
    for name in ("Hoodie week", "Socks: 3 for 2", "Spend more, save more"):
        assert name in body, body
    _check(page, "cart", problems)

    assert problems == {}, pformat(problems)
