"""The admin pages a merchant uses every day (tests/e2e/admin_pages.py), in Chromium: no
critical or serious axe violation at a phone's width and a desktop's, and none wider than a
390 px phone (wide tables scroll inside their own labelled region, not the page).

The admin's own chrome may keep moderate findings (Django's markup); serious ones are fixed
by our templates and CSS (templates/admin/, static/admin/shop/)."""

from pprint import pformat

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.admin_pages import ADMIN_HEADINGS, ADMIN_PAGES, admin_shop  # noqa: F401
from tests.e2e.merchant_kit import screen, sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

AXE = Axe()
BLOCKING = {"critical", "serious"}


@pytest.mark.parametrize("width", [390, 1280])
def test_no_admin_page_has_a_serious_accessibility_violation(
    page,
    live_server,
    admin_shop,  # noqa: F811
    width,
):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in_to_admin(page, live_server.url)
    found, reached = {}, {}
    for name, reach in ADMIN_PAGES.items():
        reach(page, live_server.url)
        reached[name] = page.locator("#content h1, #content-main h1, h1").last.inner_text()
        screen(page, f"{name}-{width}")
        if width == 390:
            document = page.evaluate("document.documentElement.scrollWidth")
            if document > width:
                found.setdefault(name, []).append(("wider than the screen", document))
        result = AXE.run(page)
        violations = [
            (v["id"], v["impact"], len(v["nodes"]), [n["target"] for n in v["nodes"]][:3])
            for v in result.response["violations"]
            if v["impact"] in BLOCKING
        ]
        if violations:
            found.setdefault(name, []).extend(violations)
    assert found == {}, pformat(found)
    assert {n: h for n, h in reached.items() if not h.startswith(ADMIN_HEADINGS[n])} == {}
