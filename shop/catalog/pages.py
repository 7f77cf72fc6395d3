"""Rendering catalog pages so that their body can be shared by every shopper.

A catalog page is its body (products, filters, the product's buy box) inside the shop's
layout (header with the cart badge and sign-in state, messages). The body is rendered
without the request: no context processor runs, so nothing of the shopper can get into it
by construction, and its CSRF token is a placeholder swapped for the shopper's own token
afterwards. With CATALOG_CACHE on (Redis), the body and its title are cached under the
catalog version and the page's canonical URL (its path and the parameters it reads, in one
spelling, so junk query strings cannot fill the cache): a cached page costs no SQL and any
catalog change a shopper could see shows on the next request (shop/catalog/cache.py).

Responses say `Cache-Control: no-cache` and carry an ETag (ConditionalGetMiddleware), so
browsers and a CDN revalidate cheaply and get a 304 while nothing changed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache as django_cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.safestring import mark_safe

from shop.catalog import cache, seo

CSRF_PLACEHOLDER = "catalog-csrf-token-placeholder"
logger = logging.getLogger(__name__)
TIMEOUT = 600


def reads_query(canonical_query):
    """A catalog view's decorator: the view, its page and the cache key see only the query
    `canonical_query(request.GET)` returns, the parameters the page reads in one spelling
    (shop/catalog/forms.py's `canonical`). A made-up parameter, a duplicate or another order
    then reaches neither the page nor the key: it shares the page's one cache entry instead of
    adding one. When it returns None (a value is not valid), the view sees the query as sent
    and its page, which shows the problem, is not cached. A parameter a view reads must be in
    its canonical query, or the view never sees it."""

    def decorator(view):
        @functools.wraps(view)
        def view_of_the_canonical_query(request, *args, **kwargs):
            query = canonical_query(request.GET)
            if query is not None:
                request.GET = query
            request.catalog_query = query
            return view(request, *args, **kwargs)

        return view_of_the_canonical_query

    return decorator


def market_code(request) -> str:
    market = getattr(request, "market", None)
    return market.code if market is not None else "-"


def market_currency(request) -> str | None:
    """The currency the shopper's market prices in (None: the shop's own)."""
    market = getattr(request, "market", None)
    return None if market is None else market.price_currency


def render_catalog_page(
    request, *, name: str, body_template: str, context, extra=None, versions=()
):
    """`context()` returns the body's context with a "title"; it runs only on a cache miss.
    A page is cached only when its view declares the query it reads (`reads_query`) and the
    query is valid; and not when its context says `"cacheable": False` (a value that matched
    nothing: an unknown variant or sub-category, a page past the last).
    `versions`: keys of versions the page depends on besides the catalog's (a product's own)."""
    query = getattr(request, "catalog_query", None)

    def build() -> dict:
        data = context()
        body = render_to_string(
            body_template,
            {
                **data,
                # What the body may read of the request: the URL, which is in the cache key.
                "request": SimpleNamespace(path=request.path, GET=request.GET),
                "csrf_token": CSRF_PLACEHOLDER,
                "MEDIA_URL": settings.MEDIA_URL,
                "SHOP_NAME": settings.SHOP_NAME,
            },
        )
        head = render_to_string(
            "catalog/_head.html",
            {
                "canonical": seo.absolute(data.get("canonical") or request.path),
                "meta_description": data.get("description") or settings.SHOP_NAME,
                "og_title": data.get("og_title") or data["title"],
                "og_type": data.get("og_type"),
                "og_image": data.get("og_image"),
                "structured_data": data.get("structured_data"),
                "robots": data.get("robots"),
                "SHOP_NAME": settings.SHOP_NAME,
            },
        )
        cacheable = data.get("cacheable", True)
        return {"title": data["title"], "html": body, "head": head, "cacheable": cacheable}

    if not cache.enabled() or query is None:
        return _respond(request, _page(request, build(), extra))

    # One round trip for the catalog version, the body and the whole page: each keeps the
    # version it was built under, and is built again when they differ. (The version is read
    # before the database, and bumped only after a change commits, so nothing built from
    # older rows carries a newer version.)
    url = hashlib.sha256(f"{request.path}?{query.urlencode()}".encode()).hexdigest()
    # Per language and per market: prices, what is sold and the selector differ by market.
    key = f"catalog:page:{name}:{translation.get_language()}:{market_code(request)}:{url}"
    # A visitor without a session or messages sees exactly what every such visitor sees:
    # the whole page is cached for them, not just its body.
    anonymous = not any(
        name in request.COOKIES for name in (settings.SESSION_COOKIE_NAME, "messages")
    )
    try:
        keys = [cache.VERSION_KEY, *versions]
        found = django_cache.get_many([*keys, key, f"{key}:whole"])
        version = [found.get(k) or cache.version_of(k) for k in keys]
    except Exception:  # the cache is down: the page is built as if there were none
        logger.warning("Catalog cache unavailable; rendering %s afresh", name)
        return _respond(request, _page(request, build(), extra))
    whole = found.get(f"{key}:whole")
    if anonymous and whole is not None and whole["version"] == version:
        return _respond(request, whole["html"])
    body = found.get(key)
    if body is None or body.get("version") != version:
        body = {**build(), "version": version}
        if not body["cacheable"]:
            return _respond(request, _page(request, body, extra))
        _store(key, body)
    html = _page(request, body, extra)
    if anonymous:
        _store(f"{key}:whole", {"html": html, "version": version})
    return _respond(request, html)


def _store(key: str, value: dict) -> None:
    try:
        django_cache.set(key, value, TIMEOUT)
    except Exception:
        logger.warning("Could not store %s in the catalog cache", key)


def _page(request, body: dict, extra) -> str:
    """The body in the shop's layout, for this shopper (the CSRF token still a placeholder)."""
    return render_to_string(
        "catalog/page.html",
        {
            "title": body["title"],
            "body": mark_safe(body["html"]),  # noqa: S308
            "head": mark_safe(body.get("head", "")),  # noqa: S308
            # The layout's forms (the market selector) too: a whole page kept for anonymous
            # visitors must not carry the first visitor's token.
            "csrf_token": CSRF_PLACEHOLDER,
            **(extra or {}),
        },
        request,
    )


def _respond(request, html: str) -> HttpResponse:
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    response = HttpResponse(html)
    patch_cache_control(response, no_cache=True)
    # The page depends on the shopper's cookies (cart badge, sign-in): a shared cache must
    # key on them, whether or not this response read the session.
    # The market may be guessed from the browser's languages: a shared cache keys on those too.
    patch_vary_headers(response, ["Cookie", "Accept-Language"])
    return response
