"""Reading the environment: the only place settings come from.

Small parsers for the shapes our variables take (booleans, lists, an email URL), so that
settings.py reads as a list of names and defaults.
"""

from __future__ import annotations

import os
from urllib.parse import parse_qs, unquote, urlparse

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def get(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def get_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(f"{name} must be one of 1/0, true/false, yes/no, on/off (got {value!r})")


def get_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number (got {value!r})") from None


def get_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+tls": "django.core.mail.backends.smtp.EmailBackend",
    "smtp+ssl": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(url: str) -> dict[str, object]:
    """Turn `smtp+tls://user:pass@host:587` (and console://, file:///path) into settings."""
    parsed = urlparse(url)
    scheme = parsed.scheme.lower()
    if scheme not in EMAIL_BACKENDS:
        raise ValueError(
            f"EMAIL_URL scheme {scheme!r} is not one of {', '.join(sorted(EMAIL_BACKENDS))}"
        )
    config: dict[str, object] = {"EMAIL_BACKEND": EMAIL_BACKENDS[scheme]}
    if scheme == "file":
        config["EMAIL_FILE_PATH"] = unquote(parsed.path)
    elif scheme.startswith("smtp"):
        options = parse_qs(parsed.query)
        config.update(
            EMAIL_HOST=parsed.hostname or "localhost",
            EMAIL_PORT=parsed.port or (465 if scheme in ("smtp+ssl", "smtps") else 587),
            EMAIL_HOST_USER=unquote(parsed.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parsed.password or ""),
            EMAIL_USE_TLS=scheme == "smtp+tls",
            EMAIL_USE_SSL=scheme in ("smtp+ssl", "smtps"),
            EMAIL_TIMEOUT=int(options.get("timeout", ["20"])[0]),
        )
    return config
