"""The product pages of the demo catalog (several photos in a scrolling gallery, sizes and
colours, sold-out values, products without options: one of each kind) pass axe at a small
phone's width, a common phone's and a desktop's. The demo is loaded by its own loader; only its
drawings are swapped for small pictures (drawing 125 full-size shots would take half a
minute): what axe checks is the markup around them."""

import io
import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from shop.catalog import demo, drawings
from shop.catalog.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

WIDTHS = [320, 390, 1280]
AXE = Axe()


def _small_shot(kind: str, colour: str, view: int = 0) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (240, 240), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def _kind(product: Product) -> tuple[bool, bool, bool]:
    """What changes a product page's markup: a colour picker (swatches, a photo per colour),
    another picker (buttons), a sold-out value."""
    codes = {t.code for t in product.option_types.all()}
    sold_out = any(v.available == 0 for v in product.variants.all())
    return ("colour" in codes, bool(codes - {"colour"}), sold_out)


@pytest.fixture
def demo_catalog(db, monkeypatch):
    """The demo's product slugs: one of each kind (8 of the 40 pages, 24 with the widths;
    AXE_EVERY_DEMO_PRODUCT=1 checks all 40, about four times as long). The whole catalog is
    loaded by the demo's loader; its photos are drawn (small) for the pages checked only."""
    monkeypatch.setattr(drawings, "product_shot", _small_shot)
    demo.load(with_images=False)
    products = Product.objects.order_by("pk").prefetch_related("option_types", "variants")
    if os.environ.get("AXE_EVERY_DEMO_PRODUCT"):
        chosen = [p.slug for p in products]
    else:
        one_of_each = {}
        for product in products:
            one_of_each.setdefault(_kind(product), product.slug)
        chosen = list(one_of_each.values())
    without_photos = demo._demo_products_without_photos
    monkeypatch.setattr(
        demo, "_demo_products_without_photos", lambda: without_photos().filter(slug__in=chosen)
    )
    assert demo.draw_images() > 2 * len(chosen)
    return chosen


def test_no_demo_product_page_has_an_accessibility_violation(page, live_server, demo_catalog):
    galleries = 0
    found = {}
    # Each page reached once and measured at every width (the viewport resized, as the page
    # walk of tests/e2e/test_every_page.py does): nothing on a product page reads the width
    # when it loads.
    for slug in demo_catalog:
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(f"{live_server.url}/p/{slug}/")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            galleries += page.locator(".gallery-main[tabindex='0']").count()
            if page.evaluate("document.documentElement.scrollWidth") > width:
                found.setdefault((slug, width), []).append("wider than the screen")
            result = AXE.run(page, options={"resultTypes": ["violations"]})
            for violation in result.response["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:3]
                found.setdefault((slug, width), []).append((violation["id"], targets))
    assert found == {}
    # Every demo product has several photos: each gallery scrolls and takes focus.
    assert galleries == len(WIDTHS) * len(demo_catalog)
