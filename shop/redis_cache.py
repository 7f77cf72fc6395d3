"""Django's Redis cache, keeping its client objects, failing fast when Redis is away.

Django's backend builds a new `redis.Redis` object for every cache call (only the
connection pool is shared), and building one costs about a quarter of a millisecond: more
than the round trip to Redis. The clients here are made once per pool and reused; a
`redis.Redis` with a connection pool is safe to share between threads.

Redis going away must not hold up a request: connections give up after
`REDIS_CONNECT_TIMEOUT`, replies after `REDIS_TIMEOUT` (fractions of a second), nothing is
retried, and the first failure opens a circuit breaker for `REDIS_BREAKER_SECONDS`: until
then every cache call raises `CacheUnavailable` at once, without touching the network, and
the callers fall back (sessions to the database, rate limits to their database counters,
catalog pages to rendering afresh, emails to the outbox sweep). After that time one call
tries Redis again.
"""

from __future__ import annotations

import functools
import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

logger = logging.getLogger(__name__)


class CacheUnavailable(RedisConnectionError):
    """Redis does not answer (or did not, a moment ago): fall back."""


class Breaker:
    """Open for a few seconds after a failure: calls fail at once instead of each waiting on
    the network. One per Redis address, shared by every thread of the process."""

    def __init__(self) -> None:
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        return time.monotonic() < self._open_until

    def check(self) -> None:
        if self.is_open():
            raise CacheUnavailable("Redis was unreachable a moment ago; not trying yet")

    def trip(self, error: BaseException) -> None:
        with self._lock:
            if not self.is_open():
                logger.warning(
                    "Redis unreachable (%s); skipping it for %s s",
                    type(error).__name__,
                    settings.REDIS_BREAKER_SECONDS,
                )
            self._open_until = time.monotonic() + settings.REDIS_BREAKER_SECONDS

    def reset(self) -> None:
        self._open_until = 0.0


_breakers: dict[str, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(location: str) -> Breaker:
    with _breakers_lock:
        return _breakers.setdefault(location, Breaker())


def redis_is_down() -> bool:
    """Whether the shop's Redis (REDIS_URL) failed within the last few seconds."""
    return bool(settings.REDIS_URL) and breaker_for(settings.REDIS_URL).is_open()


def note_redis_failure(error: BaseException) -> None:
    """Something else that talks to REDIS_URL (the Celery broker) found it down."""
    if settings.REDIS_URL:
        breaker_for(settings.REDIS_URL).trip(error)


def redis_answers() -> bool:
    """Whether the shop's Redis answers a PING now, within the cache's short timeouts (a
    failure opens the breaker). For the Celery broker, which is the same Redis but waits
    longer and retries: asking first spares a request that pays an order that wait."""
    from django.core.cache import caches

    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        return True
    try:
        cache._cache.run(lambda client: client.ping())
    except CacheUnavailable:
        return False
    return True


UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


def _guarded(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        self.breaker.check()
        try:
            return method(self, *args, **kwargs)
        except CacheUnavailable:
            raise
        except UNREACHABLE as error:
            self.breaker.trip(error)
            raise CacheUnavailable(str(error)) from error

    return call


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, servers, **options):
        options.setdefault("socket_connect_timeout", settings.REDIS_CONNECT_TIMEOUT)
        options.setdefault("socket_timeout", settings.REDIS_TIMEOUT)
        options.setdefault("retry", Retry(NoBackoff(), 0))  # the breaker decides when to retry
        super().__init__(servers, **options)
        self._clients = {}
        self.breaker = breaker_for(servers[0])

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write),
                retry=Retry(NoBackoff(), 0),
            )
        return client

    def run(self, function, *, write=True):
        """`function(client)` under the breaker: for callers that need Redis itself (an
        atomic counter's pipeline)."""
        return _guarded(lambda self: function(self.get_client(write=write)))(self)

    add = _guarded(DjangoRedisCacheClient.add)
    get = _guarded(DjangoRedisCacheClient.get)
    set = _guarded(DjangoRedisCacheClient.set)
    touch = _guarded(DjangoRedisCacheClient.touch)
    delete = _guarded(DjangoRedisCacheClient.delete)
    get_many = _guarded(DjangoRedisCacheClient.get_many)
    has_key = _guarded(DjangoRedisCacheClient.has_key)
    incr = _guarded(DjangoRedisCacheClient.incr)
    set_many = _guarded(DjangoRedisCacheClient.set_many)
    delete_many = _guarded(DjangoRedisCacheClient.delete_many)
    clear = _guarded(DjangoRedisCacheClient.clear)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
