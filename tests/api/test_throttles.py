"""The API's throttle under a concurrent burst: never more than the limit through, counted
in Redis, and in the database while Redis is away (shop/ratelimits.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from shop import redis_cache
from shop.models import RateCounter
from tests.conftest import free_port

pytestmark = [pytest.mark.api, pytest.mark.concurrency, pytest.mark.django_db(transaction=True)]

LIMIT = 20


def _burst(requests: int = 60, threads: int = 8) -> list[int]:
    def one(_):
        try:
            return Client(REMOTE_ADDR="203.0.113.9").get("/api/v1/categories").status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(one, range(requests)))


@pytest.fixture
def limit(settings):
    settings.API_THROTTLE_PER_IP = f"{LIMIT}/m"


@pytest.fixture
def redis_cache_settings(settings):
    def point_at(url: str) -> None:
        settings.CACHES = {
            "default": {"BACKEND": "shop.redis_cache.RedisCache", "LOCATION": url},
        }

    yield point_at
    for breaker in getattr(redis_cache, "_breakers", {}).values():
        breaker.reset()  # the next test finds Redis as it is


def test_a_burst_gets_no_more_than_the_limit_through_redis(limit, redis_url, redis_cache_settings):
    redis_cache_settings(redis_url)
    from django.core.cache import cache

    cache.clear()

    answers = _burst()

    assert answers.count(200) == LIMIT
    assert answers.count(429) == 60 - LIMIT


def test_a_burst_gets_no_more_than_the_limit_through_while_redis_is_down(
    limit, redis_cache_settings
):
    redis_cache_settings(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there

    answers = _burst()

    assert answers.count(200) == LIMIT
    assert answers.count(429) == 60 - LIMIT
    assert RateCounter.objects.get().hits == 60  # counted in the database
