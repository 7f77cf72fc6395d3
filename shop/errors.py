"""The shop's own error pages (400, 403, CSRF failure, 404, 500), in its look, with a way back.

The 500 page is rendered without the request's context: it must show even when the database
is down or the signed-in user cannot be loaded.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string


def bad_request(request, exception, template_name="errors/400.html"):
    return render(request, template_name, status=400)


def permission_denied(request, exception, template_name="errors/403.html"):
    return render(request, template_name, status=403)


def csrf_failure(request, reason=""):
    return render(request, "errors/403_csrf.html", status=403)


def page_not_found(request, exception, template_name="errors/404.html"):
    return render(request, template_name, status=404)


def server_error(request, template_name="errors/500.html"):
    body = render_to_string(template_name, {"SHOP_NAME": settings.SHOP_NAME, "bare": True})
    return HttpResponse(body, status=500)
