"""Who is calling: an app with an allauth session token, a browser with its session cookie, or
a guest. Every operation accepts all three, in that order; what a guest may do is decided by
the resource (a cart's token, an order's key), never by the caller's word.

- Apps sign in through allauth's headless API (/_allauth/app/v1/: sign up, verify the email,
  sign in, two-factor) and send the session token it gives in `X-Session-Token`; allauth's
  rate limits and MFA apply as on the pages.
- Browsers signed in on the shop send their session cookie; a request that changes anything
  then needs Django's CSRF token (the `X-CSRFToken` header), as the pages' forms do.
- Guests send neither: they hold their cart's token and their order's key.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.headless.internal.sessionkit import authenticate_by_x_session_token
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from ninja.security import APIKeyCookie, APIKeyHeader
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from shop.api.errors import ApiError


@dataclass(frozen=True)
class Caller:
    """The result of authentication (`request.auth`); its text keys the throttles."""

    user: object
    via: str  # "token", "session" or "guest"

    def __str__(self) -> str:
        user = self.user
        return f"user:{user.pk}" if getattr(user, "is_authenticated", False) else "guest"

    def __bool__(self) -> bool:
        return True


class SessionToken(APIKeyHeader):
    """allauth headless's app session token."""

    param_name = "X-Session-Token"

    def authenticate(self, request, key):
        if not key:
            return None
        result = authenticate_by_x_session_token(key)
        if result is None or result.user is None:
            raise ApiError(401, "invalid_session_token", "This session token is not valid.")
        request.user = result.user
        return Caller(result.user, "token")


class BrowserSession(APIKeyCookie):
    """The shop's own session cookie, for a signed-in browser; CSRF on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only for a signed-in session

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if not key or user is None or not user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise ApiError(
                403,
                "csrf_failed",
                "This request needs the CSRF token (X-CSRFToken) of your signed-in session.",
            )
        return Caller(user, "session")


class Guest(AuthBase):
    """No credentials: a guest (documented in OpenAPI as the empty requirement)."""

    openapi_type = "guest"

    def __call__(self, request):
        request.user = AnonymousUser()
        return Caller(request.user, "guest")


SHOPPER = [SessionToken(), BrowserSession(), Guest()]


def signed_in(request):
    """The signed-in user, or a 401 in the one error shape."""
    user = request.auth.user
    if not getattr(user, "is_authenticated", False):
        raise ApiError(401, "not_signed_in", "Please sign in first.")
    return user
