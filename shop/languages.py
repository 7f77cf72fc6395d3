"""The shop's languages (settings.LANGUAGES): which one is speaking, and one to store.

Ground floor: orders, accounts and the worker store or activate a language through here, so
what is stored is always one of the shop's codes ("de", never "de-at" or "")."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def supported(code: str | None) -> str:
    """`code` as one of the shop's languages ("de-AT" -> "de"), or the default language."""
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return settings.LANGUAGE_CODE


def shop_language() -> str:
    """The language active now (a page's from its URL prefix), as one of the shop's codes."""
    return supported(translation.get_language())


def is_shop_language(code: str) -> bool:
    return code in dict(settings.LANGUAGES)


class ApiLanguageMiddleware:
    """The API (/api/v1/) has no language prefix: it answers in the language its caller asks
    for with `Accept-Language` ("de": German product names, messages and errors; an order
    placed so is German, and so are its emails), English otherwise. After LocaleMiddleware,
    which gives every unprefixed address English."""

    PREFIX = "/api/v1/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.PREFIX) and request.headers.get("Accept-Language"):
            language = translation.get_language_from_request(request)
            translation.activate(supported(language))
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
