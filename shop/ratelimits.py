"""Rate limits that hold across web nodes, under bursts, and through a Redis outage.

`hit(key, limit=, window=)` counts one request in a fixed window that starts at the key's
first hit, and says whether it is within the limit. Counting is one atomic step wherever it
happens, never a read and then a write (which lets concurrent requests through together):

- in Redis: `SET key 0 EX window NX`, `INCR key`, `PTTL key` in one MULTI/EXEC pipeline;
- while Redis is away (`CacheUnavailable`, shop/redis_cache.py): one `INSERT ... ON CONFLICT
  DO UPDATE ... RETURNING` on RateCounter, which the database runs one at a time per key;
- in the embedded shop (one process, its local cache): `add` then `incr`, under that
  cache's lock.

allauth's limits (sign-in, sign-up, password reset) keep their own history under a lock
they take with `cache.add`, and allauth remembers used two-factor codes with `cache.add`;
both go to `allauth_cache` (accounts/apps.py): the shared cache, or while Redis is away the
database cache (`FallbackCache` over the `ratelimits-database` alias). So the sixth wrong
password in a minute is refused, and a used code stays used, with or without Redis.

A window's count starts again when Redis goes or comes back (counts do not move between the
two stores): at worst one more window's worth of requests during an outage.
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connections, router

from shop.models import RateCounter
from shop.redis_cache import CacheUnavailable, RedisCache

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    hits: int
    retry_after: float  # seconds until the window starts again


def parse_rate(rate: str) -> tuple[int, int]:
    """Requests and the window in seconds: "300/m" -> (300, 60)."""
    amount, _, period = rate.partition("/")
    return int(amount), PERIODS[period.strip().lower()]


def caller_key(scope: str, ident: str) -> str:
    """A cache key for a caller: hashed, so any text (an address from a proxy's header) makes
    a short, valid key."""
    digest = hashlib.sha256(ident.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"rl:{scope}:{digest}"


def hit(key: str, *, limit: int, window: int) -> Verdict:
    """Count one request under `key`; allowed while the window's count is within `limit`."""
    window = max(1, math.ceil(window))
    cache = caches["default"]
    if isinstance(cache, RedisCache):
        try:
            hits, left = _redis_hit(cache, key, window)
        except CacheUnavailable:
            hits, left = _database_hit(key, window)
    else:
        hits, left = _local_hit(cache, key, window)
    return Verdict(allowed=hits <= limit, hits=hits, retry_after=max(left, 1.0))


def _redis_hit(cache: RedisCache, key: str, window: int) -> tuple[int, float]:
    full_key = cache.make_and_validate_key(key)

    def count(client) -> tuple[int, float]:
        with client.pipeline(transaction=True) as pipe:
            pipe.set(full_key, 0, ex=window, nx=True)
            pipe.incr(full_key)
            pipe.pttl(full_key)
            _, hits, left_ms = pipe.execute()
        return int(hits), (left_ms if left_ms > 0 else window * 1000) / 1000

    return cache._cache.run(count)


def _database_hit(key: str, window: int) -> tuple[int, float]:
    now = time.time()
    using = router.db_for_write(RateCounter)
    connection = connections[using]
    quote = connection.ops.quote_name
    table, key_column = quote(RateCounter._meta.db_table), quote("key")
    # Every SET expression reads the row as it was: a window that has ended starts again.
    # (The names are the model's, quoted; the values are parameters.)
    sql = (
        f"INSERT INTO {table} ({key_column}, hits, window_ends) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO UPDATE SET "
        f"hits = CASE WHEN {table}.window_ends <= %s THEN 1 ELSE {table}.hits + 1 END, "
        f"window_ends = CASE WHEN {table}.window_ends <= %s "
        f"THEN excluded.window_ends ELSE {table}.window_ends END "
        f"RETURNING hits, window_ends"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, now + window, now, now])
        hits, window_ends = cursor.fetchone()
    if random.random() < 0.01:  # now and then, forget windows long over
        RateCounter.objects.using(using).filter(window_ends__lt=now - 3600).delete()
    return int(hits), float(window_ends) - now


def _local_hit(cache: BaseCache, key: str, window: int) -> tuple[int, float]:
    for _ in range(3):
        cache.add(key, 0, timeout=window)
        try:
            return int(cache.incr(key)), float(window)
        except ValueError:  # expired between the two: start the window again
            continue
    return 1, float(window)


class FallbackCache(BaseCache):
    """Calls go to the `PRIMARY` cache alias (the shared Redis cache); while it is away
    (`CacheUnavailable`), to the `FALLBACK` alias (the database cache). For what must keep
    counting through an outage: allauth's rate limits."""

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._primary = options["PRIMARY"]
        self._fallback = options["FALLBACK"]

    def _call(self, name: str, *args, **kwargs):
        try:
            return getattr(caches[self._primary], name)(*args, **kwargs)
        except CacheUnavailable:
            return getattr(caches[self._fallback], name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version=version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version=version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", key, timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version=version)

    def clear(self):
        return self._call("clear")


class _AllauthCache:
    """Where allauth's rate limits and used two-factor codes live: the `ratelimits` alias
    when configured (with Redis: the FallbackCache), otherwise the default cache. Resolved
    at each call, so settings changed by tests take effect."""

    def __getattr__(self, name: str):
        alias = "ratelimits" if "ratelimits" in settings.CACHES else "default"
        return getattr(caches[alias], name)


allauth_cache = _AllauthCache()


def client_address(request) -> str:
    """The caller's network address, for counting: behind TRUSTED_PROXY_COUNT proxies, the one
    they saw (as reminders.views.client_ip, which may move here)."""
    hops = settings.NINJA_NUM_PROXIES
    if hops:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
        if addresses:
            return addresses[-min(hops, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")
