"""The shop's own error pages (400, 403, CSRF failure, 404, 500), in its look, with a way back.

The 500 page is rendered without the request's context: it must show even when the database
is down or the signed-in user cannot be loaded.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

# The API's paths answer in its JSON error shape (shop/api/errors.py), not with a page; allauth's
# headless API (/_allauth/) in allauth's own: {"status": 400, "errors": [{"message", "code"}]}.
API_PREFIXES = ("/api/", "/_allauth/")
ALLAUTH_PREFIX = "/_allauth/"
MESSAGES = {
    400: ("bad_request", "This request is not valid."),
    403: ("forbidden", "This request is not allowed."),
    404: ("not_found", "Not found."),
    500: ("server_error", "Something went wrong on our side; please try again."),
}


def is_api(request) -> bool:
    return (getattr(request, "path_info", "") or "").startswith(API_PREFIXES)


def api_error(request, status: int, code: str, message: str) -> JsonResponse:
    """One problem, in the error shape of the API the request was made to."""
    path = getattr(request, "path_info", "") or ""
    if path.startswith(ALLAUTH_PREFIX):
        body = {"status": status, "errors": [{"message": message, "code": code}]}
    else:
        body = {"errors": [{"code": code, "message": message, "field": None}]}
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _api(request, status: int):
    if not is_api(request):
        return None
    return api_error(request, status, *MESSAGES[status])


def bad_request(request, exception, template_name="errors/400.html"):
    return _api(request, 400) or render(request, template_name, status=400)


def permission_denied(request, exception, template_name="errors/403.html"):
    return _api(request, 403) or render(request, template_name, status=403)


def csrf_failure(request, reason=""):
    return _api(request, 403) or render(request, "errors/403_csrf.html", status=403)


def page_not_found(request, exception, template_name="errors/404.html"):
    return _api(request, 404) or render(request, template_name, status=404)


def server_error(request, template_name="errors/500.html"):
    api = _api(request, 500)
    if api is not None:
        return api
    body = render_to_string(template_name, {"SHOP_NAME": settings.SHOP_NAME, "bare": True})
    return HttpResponse(body, status=500)
