"""The catalog version: one number, in the shared cache, that is part of every cached catalog
page's key. Catalog services bump it when a change a shopper could see commits (stock,
price, publishing, images, names), so the next request renders afresh.

A product page also carries its product's own version, bumped for what shows on that page
alone: a low stock count ("Only 3 left") changing with each sale. A rush on one product then
rebuilds that product's page, not the whole catalog (orders/allocation.py decides which).

Nothing per shopper is cached under these keys: views cache only what is the same for every
anonymous shopper (see shop/catalog/views.py).
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache

VERSION_KEY = "catalog:version"
logger = logging.getLogger(__name__)


def catalog_version() -> int:
    return version_of(VERSION_KEY)


PRODUCT_VERSION_PREFIX = "catalog:product-version:"
# A product's version may expire (a URL of a product that does not exist makes one too): it
# starts again from the clock, above any value it had, so pages cached under it are rebuilt.
PRODUCT_VERSION_TIMEOUT = 24 * 3600


def product_version_key(slug: str) -> str:
    return f"{PRODUCT_VERSION_PREFIX}{slug}"


def version_of(key: str) -> int:
    """The version under `key`, started if it is not there."""
    version = cache.get(key)
    if version is None:
        # Start from the clock, not 1: if the cache lost the key, a restart at 1 could
        # meet pages cached under an old version with the same number.
        timeout = PRODUCT_VERSION_TIMEOUT if key.startswith(PRODUCT_VERSION_PREFIX) else None
        cache.add(key, time.time_ns() // 1_000_000, timeout=timeout)
        version = cache.get(key)
    return int(version or 0)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there (yet, or evicted)
        version_of(key)


def bump_catalog_version() -> None:
    """Called on commit: a cache that is down must never fail the change that committed
    (a payment, a checkout). Pages cached before then expire on their own (TIMEOUT)."""
    try:
        _bump(VERSION_KEY)
    except Exception:
        logger.warning("Could not bump the catalog version; cached pages expire by themselves")


def bump_product_versions(slugs) -> None:
    """Called on commit, for changes that show on these products' own pages only."""
    try:
        for slug in slugs:
            _bump(product_version_key(slug))
    except Exception:
        logger.warning("Could not bump product versions; cached pages expire by themselves")


def enabled() -> bool:
    """Cached catalog pages need a cache every web process shares (Redis)."""
    return settings.CATALOG_CACHE


def key(*parts) -> str:
    return ":".join(["catalog", str(catalog_version()), *map(str, parts)])
