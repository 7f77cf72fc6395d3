from django.conf import settings
from django.urls import translate_url

from shop.languages import shop_language


def shop(request):
    """What every page needs from the shop itself (the cart's badge is the cart's own:
    shop/cart/context_processors.py)."""
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "PRICES_INCLUDE_TAX": settings.PRICES_INCLUDE_TAX,
        # The demo's mailbox (shop/dev_emails.py): linked from "check your inbox" pages.
        "DEV_MAILBOX": settings.DEBUG
        and settings.EMAIL_BACKEND == "shop.dev_emails.DevEmailBackend",
    }


def languages(request):
    """The page in each of the shop's languages: the switcher's links and the head's
    `hreflang` alternates and canonical URL.

    The switcher keeps the query the page reads (the same page, filters and all: a catalog
    page's `request.GET` is its canonical query, shop/catalog/pages.py, so a made-up
    parameter never gets into a page another shopper is served from the cache); the canonical URL
    and the alternates are the path alone, as a catalog page's own canonical is (a filtered
    or sorted listing is the same page to a search engine)."""
    found = {}

    def pages() -> list[dict]:
        # Worked out when a page first reads them (a layout kept whole reads them only when
        # it is built: shop/templatetags/layout.py), then kept for the request.
        if not found:
            found["pages"] = _language_pages(request)
        return found["pages"]

    return {
        "language_pages": pages,
        # The page's own address: the path it was asked for is already in its language.
        "canonical_url": lambda: settings.SHOP_URL.rstrip("/") + request.path,
        "x_default_url": lambda: next(
            p["alternate"] for p in pages() if p["code"] == settings.LANGUAGE_CODE
        ),
    }


def _language_pages(request) -> list[dict]:
    current = shop_language()
    canonical_path = request.path
    full_path = request.path + (f"?{request.GET.urlencode()}" if request.GET else "")
    shop_url = settings.SHOP_URL.rstrip("/")
    return [
        {
            "code": code,
            "name": name,
            "current": code == current,
            "url": translate_url(full_path, code),
            "alternate": shop_url + translate_url(canonical_path, code),
        }
        for code, name in settings.LANGUAGES
    ]
