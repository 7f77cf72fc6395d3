import pytest

from tests.conftest import ARTIFACTS, SCREENSHOTS
from tests.e2e.pages import small_shop  # noqa: F401  (the shop every page check walks)

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium: Playwright's own browser download is not available here."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": FLAGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def shoot(page, request):
    """Save a numbered full-page screenshot under test-artifacts/e2e/<test>/, when asked
    (SHOP_SCREENSHOTS=1)."""
    folder = ARTIFACTS / "e2e" / request.node.name
    count = {"n": 0}

    def take(name: str) -> None:
        count["n"] += 1
        if not SCREENSHOTS:
            return
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{count['n']:02d}-{name}.png"), full_page=True)

    return take
