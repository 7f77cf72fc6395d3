"""Requests the shop refuses before any view, session or query sees them."""

from __future__ import annotations

from django.http import HttpRequest

from shop import errors

NUL = "\x00"


def _has_nul(values) -> bool:
    return any(NUL in value for value in values)


def carries_nul(request: HttpRequest) -> bool:
    """A NUL character anywhere a value can reach the database: the path (and so every path
    parameter), query parameters, form fields (not uploaded files) and cookies.

    PostgreSQL refuses NUL in text ("text fields cannot contain NUL"), so such a value would
    end as a 500 deep in whichever query used it; no honest browser sends one.
    """
    if NUL in request.path_info:
        return True
    for data in (request.GET, request.POST, request.COOKIES):
        items = data.lists() if hasattr(data, "lists") else ((k, [v]) for k, v in data.items())
        for key, values in items:
            if NUL in key or _has_nul(values):
                return True
    return False


class RefuseNulMiddleware:
    """Answer 400 with the shop's page to any request carrying a NUL character.

    It sits before the session and authentication middleware, so refusing touches no
    database row (a NUL in the session cookie would otherwise reach the session query).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if carries_nul(request):
            return errors.bad_request(request, None)
        return self.get_response(request)
