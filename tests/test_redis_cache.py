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


@pytest.fixture
def attempts(monkeypatch):
    """How many times anything tried to connect to Redis."""
    from redis.connection import AbstractConnection

    count = []
    connect = AbstractConnection.connect

    def counted(self, *args, **kwargs):
        count.append(1)
        return connect(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "connect", counted)
    return count


def test_after_a_failure_the_cache_is_skipped_without_waiting(silent_redis, attempts):
    cache = caches["default"]

    first = _timed(lambda: cache.get("anything"))
    tried = len(attempts)
    for _ in range(50):
        with pytest.raises(CacheUnavailable):
            cache.get("anything")
    with pytest.raises(CacheUnavailable):
        cache.set("anything", 1)

    assert 0.15 < first < 1.5  # waited for one reply (REDIS_TIMEOUT), not redis-py's 5 s
    assert tried == 1 and len(attempts) == 1  # no network at all while the breaker is open
    deadline = time.monotonic() + 5
    while silent_redis.is_open() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert 0.15 < _timed(lambda: cache.get("anything")) < 1.5  # tried once more, then skipped
    assert len(attempts) == 2 and silent_redis.is_open()


def test_pages_do_not_try_redis_again_while_the_breaker_is_open(settings, silent_redis, attempts):
    settings.REDIS_BREAKER_SECONDS = 60
    client = Client()
    assert client.get("/").status_code == 200  # finds Redis silent and opens the breaker
    tried = len(attempts)

    answers = [client.get("/").status_code for _ in range(5)]

    assert tried == 1 and len(attempts) == 1
    assert answers == [200] * 5
