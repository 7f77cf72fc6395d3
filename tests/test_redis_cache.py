"""shop/redis_cache.py: with Redis unreachable no request waits on it: short timeouts, and
after a failure the cache is skipped for a few seconds instead of tried on every call."""

from __future__ import annotations

import contextlib
import socket
import time

import pytest
from django.core.cache import caches
from django.test import Client

from shop import redis_cache
from shop.redis_cache import CacheUnavailable

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_redis(settings):
    """An address that takes connections and never answers (a hung or firewalled Redis)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(64)
        url = f"redis://127.0.0.1:{server.getsockname()[1]}/0"
        settings.CACHES = {"default": {"BACKEND": "shop.redis_cache.RedisCache", "LOCATION": url}}
        settings.CATALOG_CACHE = True
        settings.REDIS_TIMEOUT = 0.2
        settings.REDIS_BREAKER_SECONDS = 0.5
        yield redis_cache.breaker_for(url)
    for breaker in redis_cache._breakers.values():
        breaker.reset()


def _timed(call):
    started = time.perf_counter()
    with contextlib.suppress(CacheUnavailable):
        call()
    return time.perf_counter() - started


def test_after_a_failure_the_cache_is_skipped_without_waiting(silent_redis):
    cache = caches["default"]

    first = _timed(lambda: cache.get("anything"))
    skipped = [_timed(lambda: cache.get("anything")) for _ in range(50)]

    assert 0.15 < first < 1.5  # waited for one reply, not for the default 5 s
    assert silent_redis.is_open()
    assert max(skipped) < 0.01  # no network at all while the breaker is open
    with pytest.raises(CacheUnavailable):
        cache.set("anything", 1)

    deadline = time.monotonic() + 5
    while silent_redis.is_open() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 0.15 < _timed(lambda: cache.get("anything")) < 1.5  # one try again, then skipped
    assert silent_redis.is_open()


def test_pages_answer_quickly_while_redis_does_not(silent_redis):
    client = Client()
    client.get("/")  # the first request finds Redis silent and opens the breaker

    took = [_timed(lambda: client.get("/")) for _ in range(5)]

    assert max(took) < 0.5, took
    assert client.get("/").status_code == 200
