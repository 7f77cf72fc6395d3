"""JSON request bodies, checked once before any view: the API (/api/v1/) and allauth's headless
API (/_allauth/app/v1/, /_allauth/browser/v1/) see only bodies they can parse without harm.

Both parse `request.body` with `json.loads`; neither limits the nesting (100,000 `[` end in a
RecursionError) or the length of a number (5,000 digits pass Python's limit on converting digit
strings: a ValueError that is no JSONDecodeError). allauth (65.x) catches neither, so both were
500s there (django-ninja made them a bare 400). A `multipart/form-data` body, once another
middleware has read `request.POST`, can no longer be read as `request.body` at all (another
500). A NUL inside a JSON string reaches PostgreSQL, which refuses it in text (a 500 again),
and a lone surrogate (`"\\ud800"`) cannot even be encoded to be stored.

So, for a request with a body to one of those endpoints, this guard answers 400 in that API's
error shape (shop/errors.py) before sessions, authentication or the view run, when the body:

- is not JSON (`Content-Type` other than application/json or `*+json`, or not UTF-8);
- nests deeper than MAX_DEPTH, or has a number longer than MAX_NUMBER_LENGTH characters
  (or one that is not finite, such as 1e999);
- has a NUL character or a lone surrogate in a string (member names included);
- for allauth, is not an object at the top (allauth answers that with an empty HTML 400; the
  API's own schemas refuse it with their 422, shop/api/schemas.py:BodyIn).

It also answers a method an endpoint does not have with 405 in that shape (with `Allow`),
before allauth would validate the body of a method it then refuses anyway.

The body is read here first, so `request.body` stays readable for the view whatever a later
middleware reads. A body above DATA_UPLOAD_MAX_MEMORY_SIZE raises Django's RequestDataTooBig
here, answered with the 400 like any other page (see shop/log_filters.py for its log line).
"""

from __future__ import annotations

import json
import math
import re

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from shop import errors

JSON_PREFIXES = ("/api/v1/", "/_allauth/app/v1/", "/_allauth/browser/v1/")
OBJECT_ONLY_PREFIXES = ("/_allauth/",)
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_DEPTH = 32
MAX_NUMBER_LENGTH = 100

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_A_BRACKET = re.compile(r"[^\[\]{}]")
_EMPTY_PAIR = re.compile(r"\[\]|\{\}")
_FORBIDDEN_CHARACTER = re.compile("[\x00\ud800-\udfff]")


class BodyRefused(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _nesting_within(text: str, limit: int) -> bool:
    """True when the brackets outside strings pair up and nest at most `limit` deep.

    Innermost pairs are removed one level per pass (each pass a C-speed regex), so a body
    nested 100,000 deep costs `limit` passes, never a recursion."""
    brackets = _NOT_A_BRACKET.sub("", _STRING.sub("", text))
    for _pass in range(limit):
        if not brackets:
            return True
        brackets, removed = _EMPTY_PAIR.subn("", brackets)
        if not removed:
            return False  # unpaired: not JSON at all
    return not brackets


def _number(text: str, convert):
    if len(text) > MAX_NUMBER_LENGTH:
        raise BodyRefused("number_too_long", _("A number in this request is too long."))
    value = convert(text)
    if isinstance(value, float) and not math.isfinite(value):
        raise BodyRefused("number_too_large", _("A number in this request is too large."))
    return value


def _no_constant(text: str):
    raise BodyRefused("invalid_json", _("%(value)s is not a JSON value.") % {"value": text})


def _strings(value):
    """Every string in a parsed body, member names included (iterative: depth is bounded
    already, but a wide body should not cost a deep stack either)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def parse_json_body(raw: bytes, *, object_only: bool = True):
    """The body parsed (an object, if `object_only`), or BodyRefused saying what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BodyRefused("invalid_json", _("This request's body is not UTF-8.")) from None
    if not _nesting_within(text, MAX_DEPTH):
        raise BodyRefused(
            "invalid_json", _("This request's body is not valid JSON, or is nested too deep.")
        )
    try:
        data = json.loads(
            text,
            parse_int=lambda s: _number(s, int),
            parse_float=lambda s: _number(s, float),
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError:
        raise BodyRefused("invalid_json", _("This request's body is not valid JSON.")) from None
    if object_only and not isinstance(data, dict):
        raise BodyRefused("invalid_json", _("This request's body must be a JSON object."))
    for string in _strings(data):
        if _FORBIDDEN_CHARACTER.search(string):
            raise BodyRefused(
                "invalid_character",
                _("This request has a character that is not allowed (NUL, lone surrogate)."),
            )
    return data


def is_json_content_type(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


def _allowed_methods(view_class) -> list[str]:
    allowed = [m.upper() for m in view_class.http_method_names if hasattr(view_class, m)]
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.append("HEAD")  # View.setup() answers HEAD with get()
    return allowed


def method_not_allowed(request: HttpRequest, allowed: str) -> HttpResponse:
    response = errors.api_error(
        request,
        405,
        "method_not_allowed",
        _("The method %(method)s is not allowed here.") % {"method": request.method},
    )
    response["Allow"] = allowed
    return response


class JsonBodyGuardMiddleware:
    """See the module's docstring. Sits before any middleware that reads `request.POST`
    (the NUL guard), the session or the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not request.path_info.startswith(JSON_PREFIXES):
            return self.get_response(request)
        refusal = self._refusal(request)
        if refusal is not None:
            return refusal
        response = self.get_response(request)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            # django-ninja's (and Django's) plain-text 405, in the API's shape.
            return method_not_allowed(request, response.get("Allow", ""))
        return response

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return None
        view_class = getattr(view, "view_class", None)  # allauth's class-based views
        if view_class is not None:
            allowed = _allowed_methods(view_class)
            if request.method not in allowed:
                return method_not_allowed(request, ", ".join(allowed))
            if not getattr(view_class, "handle_json_input", True):
                return None  # a form posted by a browser (allauth's provider redirect)
        if request.method not in BODY_METHODS or not request.body:
            return None
        try:
            if not is_json_content_type(request.content_type or ""):
                raise BodyRefused("unsupported_media_type", _("This request's body must be JSON."))
            parse_json_body(
                request.body, object_only=request.path_info.startswith(OBJECT_ONLY_PREFIXES)
            )
        except BodyRefused as refused:
            return errors.api_error(request, 400, refused.code, refused.message)
        return None
