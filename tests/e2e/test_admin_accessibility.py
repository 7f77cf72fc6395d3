"""The admin pages a merchant uses every day (tests/e2e/admin_pages.py), in Chromium: no
critical or serious axe violation at a phone's width and a desktop's, and none wider than a
390 px phone (wide tables scroll inside their own labelled region, not the page).

The admin's own chrome may keep moderate findings (Django's markup); serious ones are fixed
by our templates and CSS (templates/admin/, static/admin/shop/)."""

from pprint import pformat

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import SCREENSHOTS
from tests.e2e.admin_pages import ADMIN_HEADINGS, ADMIN_PAGES, admin_shop  # noqa: F401
from tests.e2e.merchant_kit import screen, sign_in_to_admin

pytestmark = [pytest.mark.browser, pytest.mark.a11y]

AXE = Axe()
BLOCKING = {"critical", "serious"}


WIDTHS = [390, 1280]


def test_no_admin_page_has_a_serious_accessibility_violation(
    page,
    live_server,
    admin_shop,  # noqa: F811
):
    """Each page reached once, then measured at each width (the viewport resized)."""
    sign_in_to_admin(page, live_server.url)
    found, reached = {}, {}
    for name, reach in ADMIN_PAGES.items():
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        reach(page, live_server.url)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            key = f"{name}-{width}"
            reached[key] = page.locator("#content h1, #content-main h1, h1").last.inner_text()
            problems = []
            if width == 390:
                document = page.evaluate("document.documentElement.scrollWidth")
                if document > width:
                    problems.append(("wider than the screen", document))
            result = AXE.run(page)
            problems.extend(
                (v["id"], v["impact"], len(v["nodes"]), [n["target"] for n in v["nodes"]][:3])
                for v in result.response["violations"]
                if v["impact"] in BLOCKING
            )
            if problems:
                found[key] = problems
            if problems or SCREENSHOTS:
                screen(page, key, always=bool(problems))
    assert found == {}, pformat(found)
    assert {
        key: heading
        for key, heading in reached.items()
        if not heading.startswith(ADMIN_HEADINGS[key.rsplit("-", 1)[0]])
    } == {}
