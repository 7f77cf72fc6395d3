"""The shop's own error pages (400, 403, CSRF failure, 404, 500), in its look, with a way back.

The 500 page is rendered without the request's context: it must show even when the database
is down or the signed-in user cannot be loaded.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

# The API's paths answer in its JSON error shape (shop/api/errors.py), not with a page.
API_PREFIXES = ("/api/", "/_allauth/")
MESSAGES = {
    400: ("bad_request", "This request is not valid."),
    403: ("forbidden", "This request is not allowed."),
    404: ("not_found", "Not found."),
    500: ("server_error", "Something went wrong on our side; please try again."),
}


def _api(request, status: int):
    path = getattr(request, "path_info", "") or ""
    if not path.startswith(API_PREFIXES):
        return None
    code, message = MESSAGES[status]
    return JsonResponse(
        {"errors": [{"code": code, "message": message, "field": None}]}, status=status
    )


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
