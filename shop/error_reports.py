"""Errors reported to Sentry (sentry-sdk), when SENTRY_DSN is set, with no personal data:
no cookies, headers, bodies, user or IP (send_default_pii off, and stripped again here), and
email addresses masked in messages and breadcrumbs."""

from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
DROPPED_REQUEST_PARTS = ("cookies", "data", "headers", "env", "query_string")


def scrub(event: dict, hint: dict | None = None) -> dict:
    request = event.get("request")
    if isinstance(request, dict):
        for part in DROPPED_REQUEST_PARTS:
            request.pop(part, None)
    event.pop("user", None)
    return _mask(event)


def _mask(value):
    if isinstance(value, str):
        return EMAIL.sub("[email]", value)
    if isinstance(value, dict):
        return {key: _mask(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask(item) for item in value]
    return value


def init_sentry(*, dsn: str, environment: str, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        before_send=scrub,
        before_breadcrumb=lambda crumb, hint: _mask(crumb),
    )
