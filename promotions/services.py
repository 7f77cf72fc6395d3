"""Writing about promotions: the catalog's cached pages follow a promotion's window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from promotions.models import Promotion
from shop.catalog.cache import bump_catalog_version

LAST_CHECK_KEY = "promotions:boundaries-checked-at"


def bump_at_boundaries(*, now: datetime | None = None) -> bool:
    """Bump the catalog version if a promotion started or ended since the last check (a
    periodic task runs this every minute): a cached page then shows the sale price from the
    next request after it starts, and drops it after it ends. True if it bumped."""
    now = now or timezone.now()
    raw = cache.get(LAST_CHECK_KEY)
    since = datetime.fromtimestamp(raw, tz=UTC) if raw else now - timedelta(minutes=5)
    cache.set(LAST_CHECK_KEY, now.timestamp(), timeout=7 * 24 * 3600)
    crossed = Promotion.objects.filter(
        Q(starts_at__gt=since, starts_at__lte=now) | Q(ends_at__gt=since, ends_at__lte=now)
    ).exists()
    if crossed:
        bump_catalog_version()
    return crossed
