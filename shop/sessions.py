"""Sessions in the database behind the shared cache (Django's cached_db), with fewer round
trips: `SESSION_ENGINE = "shop.sessions"` when REDIS_URL is set.

Django's database store wraps each session write in a transaction of its own (BEGIN, the
statement, COMMIT) and asks whether a new random key is taken before inserting it. A session
is written after the view, outside any transaction, where a single INSERT or UPDATE is
atomic by itself; and an INSERT of a key in use is refused by the primary key anyway
(create() then draws another). So a new session costs one statement instead of four, and a
changed one one instead of three: on a checkout, seven round trips fewer.

The database holds every session; the cache is only a copy. When the cache is away (Redis
down: shop/redis_cache.py fails at once), sessions are read from and written to the database
alone, and the shop keeps selling. A session changed while the cache was away may have an
older copy there; its key is remembered and that copy deleted before the cache is read again.
"""

from __future__ import annotations

import logging
import threading

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError, UpdateError
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils.crypto import get_random_string

from shop.redis_cache import CacheUnavailable

logger = logging.getLogger("django.contrib.sessions")


# Keys of sessions changed in the database while the cache could not be told: their cached
# copy may be older (if Redis comes back with its data). Deleted from the cache before it is
# next read. Per process and bounded (about 6 MB at most): past the bound, more keys are not
# remembered, and their old copies, if any, last until they expire with the session.
_stale_keys: set[str] = set()
_STALE_LIMIT = 100_000
_stale_lock = threading.Lock()


def _forget_stale_copies(cache) -> None:
    if not _stale_keys:
        return
    with _stale_lock:
        keys = list(_stale_keys)
    cache.delete_many(keys)  # raises while the cache is away: then the database answers
    with _stale_lock:
        _stale_keys.difference_update(keys)


def _cache_away(error: Exception, doing: str) -> None:
    if isinstance(error, CacheUnavailable):  # said once per outage by shop/redis_cache.py
        logger.debug("Session cache unavailable (%s); using the database", doing)
    else:
        logger.exception("Session cache failed (%s); using the database", doing)


class SessionStore(cached_db.SessionStore):
    def _get_new_session_key(self) -> str:
        # 32 characters of 36: a key in use is as likely as guessing one; the INSERT of
        # save(must_create=True) refuses it if it ever happens, and create() tries again.
        return get_random_string(32, VALID_KEY_CHARS)

    def _cached(self, key: str):
        try:
            _forget_stale_copies(self._cache)
            return self._cache.get(key)
        except Exception as error:
            _cache_away(error, "read")
            return None

    def _copy_to_cache(self, key: str, data, timeout) -> None:
        try:
            self._cache.set(key, data, timeout)
        except Exception as error:
            _cache_away(error, "write")
            with _stale_lock:
                if len(_stale_keys) < _STALE_LIMIT:
                    _stale_keys.add(key)

    def _drop_from_cache(self, key: str) -> None:
        try:
            self._cache.delete(key)
        except Exception as error:
            _cache_away(error, "delete")
            with _stale_lock:
                if len(_stale_keys) < _STALE_LIMIT:
                    _stale_keys.add(key)

    def load(self):
        data = self._cached(self.cache_key)
        if data is None:
            stored = self._get_session_from_db()
            if stored is None:
                return {}
            data = self.decode(stored.session_data)
            self._copy_to_cache(
                self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date)
            )
        return data

    def exists(self, session_key):
        if not session_key:
            return False
        try:
            if self.cache_key_prefix + session_key in self._cache:
                return True
        except Exception as error:
            _cache_away(error, "exists")
        return DBStore.exists(self, session_key)

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        using = router.db_for_write(self.model)
        if connections[using].in_atomic_block:
            DBStore.save(self, must_create)  # inside a transaction: Django's own savepoint
        else:
            obj = self.create_model_instance(self._get_session(no_load=must_create))
            try:
                obj.save(force_insert=must_create, force_update=not must_create, using=using)
            except IntegrityError:
                if must_create:
                    raise CreateError from None
                raise
            except DatabaseError:
                if not must_create:
                    raise UpdateError from None
                raise
        self._copy_to_cache(self.cache_key, self._session, self.get_expiry_age())

    def delete(self, session_key=None):
        DBStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._drop_from_cache(self.cache_key_prefix + session_key)
