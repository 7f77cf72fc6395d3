"""The catalog version: one number, in the shared cache, that is part of every cached catalog
page's key. Catalog services bump it when a change a shopper could see commits (stock,
price, publishing, images, names), so the next request renders afresh.

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
    version = cache.get(VERSION_KEY)
    if version is None:
        # Start from the clock, not 1: if the cache lost the key, a restart at 1 could
        # meet pages cached under an old version with the same number.
        cache.add(VERSION_KEY, time.time_ns() // 1_000_000, timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version or 0)


def bump_catalog_version() -> None:
    """Called on commit: a cache that is down must never fail the change that committed
    (a payment, a checkout). Pages cached before then expire on their own (TIMEOUT)."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not there (yet, or evicted)
            catalog_version()
    except Exception:
        logger.warning("Could not bump the catalog version; cached pages expire by themselves")


def enabled() -> bool:
    """Cached catalog pages need a cache every web process shares (Redis)."""
    return settings.CATALOG_CACHE


def key(*parts) -> str:
    return ":".join(["catalog", str(catalog_version()), *map(str, parts)])
