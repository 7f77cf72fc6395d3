"""The API's throttles: per network address and per signed-in shopper, counted atomically in
the shared cache (every web node against the same limit), or in the database while Redis is
away (shop/ratelimits.py). The rates are read from settings on every request."""

from __future__ import annotations

import threading

from django.conf import settings
from ninja.throttling import BaseThrottle

from shop import ratelimits


class _Limit(BaseThrottle):
    scope = ""
    setting = ""

    def __init__(self) -> None:
        # One instance serves every thread: the wait belongs to the request being answered.
        self._answer = threading.local()

    def ident(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request) -> bool:
        self._answer.wait = None
        ident = self.ident(request)
        if ident is None:
            return True
        limit, window = ratelimits.parse_rate(getattr(settings, self.setting))
        verdict = ratelimits.hit(
            ratelimits.caller_key(self.scope, ident), limit=limit, window=window
        )
        self._answer.wait = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._answer, "wait", None)


class PerAddress(_Limit):
    """Every caller, by network address (API_THROTTLE_PER_IP; behind proxies, the address
    TRUSTED_PROXY_COUNT says is the shopper's)."""

    scope = "api-ip"
    setting = "API_THROTTLE_PER_IP"

    def ident(self, request) -> str | None:
        return self.get_ident(request) or "unknown"


class PerUser(_Limit):
    """Each signed-in shopper, wherever they call from (API_THROTTLE_PER_USER)."""

    scope = "api-user"
    setting = "API_THROTTLE_PER_USER"

    def ident(self, request) -> str | None:
        user = getattr(getattr(request, "auth", None), "user", None)
        if not getattr(user, "is_authenticated", False):
            return None
        return str(user.pk)
