"""One id per request, to follow it through the logs of every process it touches.

Taken from the load balancer's X-Request-ID when it looks like an id, made here otherwise;
returned in the response's X-Request-ID (gunicorn's access log prints it), put on every log
line written while the request runs, and carried in the headers of the Celery tasks it
queues, whose log lines then carry it too (worker/celery.py).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
VALID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if VALID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current.get() or "-"
        return True
