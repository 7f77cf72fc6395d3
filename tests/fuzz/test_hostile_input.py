"""No input gets a 500, and a refused request changes nothing.

Every URL pattern in the URLconf (walked here, not listed by hand: a new page is covered the
day it is added) is requested as an anonymous visitor, a signed-in shopper and staff, with
hostile values in path parameters, query strings, form fields, headers and cookies: NUL and
other control characters, invalid UTF-8, very long strings, huge and negative numbers, and
other users' ids. First each pattern with each kind of value in turn, then Hypothesis mixes
them at random.

Rows changed are read from PostgreSQL's own per-transaction counters
(pg_stat_xact_user_tables), so "changed nothing" covers every table, not a chosen few.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import LocalePrefixPattern, URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Address
from shop.cart.models import CartLine
from tests.conftest import ADDRESS, make_cart, place
from tests.factories import UserFactory, VariantFactory

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

# --- the URLconf, walked ------------------------------------------------------------------

PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: literal text and parameters in order, e.g. orders/<str:number>/."""

    text: str
    parts: tuple  # str literals and ("param", name, converter)
    name: str

    def build(self, values: dict[str, str]) -> str:
        return "/" + "".join(
            part if isinstance(part, str) else values[part[1]] for part in self.parts
        )

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(p[1], p[2]) for p in self.parts if not isinstance(p, str)]


def _parts(pattern) -> list:
    text = str(pattern)
    parts: list = []
    if isinstance(pattern, RoutePattern):
        regex, converter_of = PARAM, lambda m: m.group("converter") or "str"
    elif isinstance(pattern, RegexPattern):
        text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z")
        regex, converter_of = GROUP, lambda m: "regex"
    elif isinstance(pattern, LocalePrefixPattern):
        # The shopper's pages (i18n_patterns): walked in English, the unprefixed language;
        # the German pages are the same views (tests/languages/ reads them).
        return [pattern.language_prefix] if pattern.language_prefix else []
    else:  # pragma: no cover - Django has only these two
        raise TypeError(pattern)
    position = 0
    for found in regex.finditer(text):
        parts.append(text[position : found.start()])
        parts.append(("param", found.group("name"), converter_of(found)))
        position = found.end()
    parts.append(text[position:])
    return [p for p in parts if p != ""]


def url_patterns(resolvers=None, prefix=()) -> list[Pattern]:
    found = []
    for entry in get_resolver().url_patterns if resolvers is None else resolvers:
        parts = (*prefix, *_parts(entry.pattern))
        if isinstance(entry, URLResolver):
            found += url_patterns(entry.url_patterns, parts)
        elif isinstance(entry, URLPattern):
            text = "".join(p if isinstance(p, str) else f"<{p[2]}:{p[1]}>" for p in parts)
            found.append(Pattern(text=text, parts=parts, name=entry.name or text))
    return found


PATTERNS = url_patterns()

# --- hostile values -----------------------------------------------------------------------

LONG = "A" * 5000
HOSTILE_STRINGS = [
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\nSet-Cookie: x=1",
    "\t",
    " ",
    "",
    LONG,
    "9" * 40,
    "-1",
    "0",
    "-99999999999999999999999",
    str(2**63),
    "1e309",
    "NaN",
    "١٢٣",
    "😀🛒",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "evt_\x00",
    "pi_x_secret_y",
]
INVALID_UTF8 = [b"\xff\xfe", b"\xc3\x28", b"a\x80b", b"\xed\xa0\x80"]
FORM_FIELDS = [
    "variant", "quantity", "product", "next", "email", "name", "line1", "line2", "city",
    "postcode", "region", "country", "phone", "shipping_method", "code", "checkout_token",
    "login", "password", "password1", "password2", "remember", "confirm", "is_default",
    "carrier", "tracking_number", "tracking_url", "action", "_selected_action", "amount",
    "reason", "lines", "file", "q", "page", "key", "client_secret", "number", "authenticate",
]  # fmt: skip
QUERY_FIELDS = [
    "q", "page", "next", "key", "payment_intent", "redirect_status", "variant", "sort",
    "o", "p", "e", "_changelist_filters", "status__exact", "all",
]  # fmt: skip
HEADERS = [
    "HTTP_USER_AGENT", "HTTP_REFERER", "HTTP_ORIGIN", "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_FOR", "HTTP_STRIPE_SIGNATURE", "HTTP_HX_REQUEST", "HTTP_ACCEPT_LANGUAGE",
    "HTTP_IF_NONE_MATCH", "HTTP_RANGE", "HTTP_X_REQUESTED_WITH",
]  # fmt: skip
COOKIES = ["sessionid", "csrftoken", "messages", "django_language"]

latin1 = st.text(alphabet=st.characters(max_codepoint=255), max_size=60)
hostile_text = st.one_of(
    st.sampled_from(HOSTILE_STRINGS),
    st.text(max_size=40),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
)


@dataclass
class World:
    """Two shoppers with an address, a cart line and an order each, and a merchant."""

    me: object
    other: object
    staff: object
    ids: list[str] = field(default_factory=list)  # everyone's ids and order numbers
    secrets: list[str] = field(default_factory=list)  # what only the other shopper may see


@pytest.fixture
def world(require_postgres, stripe_emulator, shipping_method) -> World:
    me = UserFactory(email="me@example.com")
    other = UserFactory(email="someone-else-7731@example.com")
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True)
    ids = []
    for user in (me, other):
        address = Address.objects.create(user=user, is_default=True, **ADDRESS)
        variant = VariantFactory(stock_on_hand=50)
        order = place(make_cart((variant, 1)), shipping_method, user=user, email=user.email)
        line = CartLine.objects.create(cart=make_cart(), variant=variant, quantity=1)
        ids += [str(address.pk), str(line.pk), order.number, str(order.pk), str(variant.pk)]
        ids += [variant.product.slug, variant.product.category.slug, str(user.pk)]
    return World(me=me, other=other, staff=staff, ids=ids, secrets=[other.email])


# --- one request ----------------------------------------------------------------------------


def rows_changed() -> int:
    """Rows inserted, updated or deleted so far in this transaction (sessions aside: a
    refused request may still refresh its session)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "from pg_stat_xact_user_tables where relname <> 'django_session'"
        )
        return int(cursor.fetchone()[0])


@dataclass
class Tally:
    requests: int = 0
    by_status: dict[int, int] = field(default_factory=dict)
    patterns: set[str] = field(default_factory=set)


def client_for(role: str, world: World) -> Client:
    client = Client()
    user = {"anonymous": None, "shopper": world.me, "staff": world.staff}[role]
    if user is not None:
        client.force_login(user)
    client.role_user = user
    client.session_touched = False
    client.rows_seen = None  # rows_changed() after the last request, while nothing else wrote
    return client


def ensure_signed_in(client: Client) -> None:
    """Some requests sign out (the sign-out URL, a tampered session cookie): sign in again.
    Only a response that set or deleted the session cookie can have signed out, so the
    session (a read from its store) is looked at only then."""
    if client.role_user is None or not client.session_touched:
        return
    client.session_touched = False
    if "_auth_user_id" not in client.session:
        client.cookies.clear()
        client.force_login(client.role_user)
        client.rows_seen = None  # signing in writes (last_login): count afresh


def send(
    client,
    world,
    tally,
    *,
    method,
    path,
    query=None,
    form=None,
    body=None,
    headers=None,
    cookies=None,
):
    """One request; `body` (JSON text) is sent instead of the form when given."""
    ensure_signed_in(client)
    saved = {name: client.cookies[name].value for name in client.cookies}
    for name, value in (cookies or {}).items():
        client.cookies[name] = value
    url = path + ("?" + urlencode(query or {}, doseq=True) if query else "")
    before = client.rows_seen if client.rows_seen is not None else rows_changed()
    try:
        response = client.generic(
            method,
            url,
            body if body is not None else urlencode(form or {}, doseq=True),
            content_type="application/json"
            if body is not None
            else "application/x-www-form-urlencoded",
            **(headers or {}),
        )
    finally:
        client.cookies.clear()
        for name, value in saved.items():
            client.cookies[name] = value
    client.rows_seen = rows_changed()
    changed = client.rows_seen - before
    session_cookie = django_settings.SESSION_COOKIE_NAME
    client.session_touched = session_cookie in response.cookies or session_cookie in (cookies or {})
    described = (
        f"{method} {url[:300]!r} form={form!r:.300} body={body!r:.300} "
        f"headers={headers!r:.200} cookies={cookies!r:.200}"
    )
    assert response.status_code < 500, f"{response.status_code} for {described}"
    if response.status_code >= 400:
        assert changed == 0, f"{response.status_code} changed {changed} row(s): {described}"
    if client.role_user is not world.staff and response.get("Content-Type", "").startswith("text"):
        body = response.content.decode("utf-8", "replace")
        for secret in world.secrets:
            assert secret not in body, f"another shopper's data in {described}"
    tally.requests += 1
    tally.by_status[response.status_code] = tally.by_status.get(response.status_code, 0) + 1


def path_value(raw) -> str:
    return quote_from_bytes(raw, safe="") if isinstance(raw, bytes) else quote(raw, safe="")


# --- the tests ------------------------------------------------------------------------------

ROLES = ["anonymous", "shopper", "staff"]


@pytest.mark.parametrize("role", ROLES)
def test_no_url_gives_a_5xx_and_a_refused_request_changes_nothing(world, role, capsys):
    started = time.monotonic()
    client = client_for(role, world)
    tally = Tally()
    kinds = [*HOSTILE_STRINGS[:14], *INVALID_UTF8, *world.ids[:8]]

    # Every pattern, each kind of value in every parameter, as GET and as POST.
    for pattern in PATTERNS:
        tally.patterns.add(pattern.text)
        per_pattern = kinds if pattern.params else kinds[:3]
        for index, raw in enumerate(per_pattern):
            values = {name: path_value(raw) for name, _ in pattern.params}
            text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
            method = "POST" if index % 2 else "GET"
            send(
                client,
                world,
                tally,
                method=method,
                path=pattern.build(values),
                query={"q": text, "page": text, "next": text} if method == "GET" else None,
                form=dict.fromkeys(FORM_FIELDS, text) if method == "POST" else None,
            )

    # Then Hypothesis: random patterns with random mixes of everything.
    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def explore(data):
        pattern = data.draw(st.sampled_from(PATTERNS))
        values = {}
        for name, converter in pattern.params:
            raw = data.draw(
                st.one_of(
                    st.sampled_from(world.ids),
                    hostile_text,
                    st.sampled_from(INVALID_UTF8),
                    st.binary(min_size=1, max_size=8),
                )
            )
            values[name] = path_value(raw)
        send(
            client,
            world,
            tally,
            method=data.draw(st.sampled_from(["GET", "POST", "POST", "HEAD", "PUT"])),
            path=pattern.build(values),
            query=data.draw(
                st.dictionaries(st.sampled_from(QUERY_FIELDS), hostile_text, max_size=3)
            ),
            form=data.draw(
                st.dictionaries(
                    st.sampled_from(FORM_FIELDS),
                    st.one_of(hostile_text, st.sampled_from(world.ids)),
                    max_size=8,
                )
            ),
            body=data.draw(
                st.none()
                | st.just("{not json")
                | st.dictionaries(
                    st.sampled_from(FORM_FIELDS),
                    st.one_of(hostile_text, st.integers(), st.booleans(), st.none()),
                    max_size=6,
                ).map(json.dumps)
            ),
            headers=data.draw(st.dictionaries(st.sampled_from(HEADERS), latin1, max_size=3)),
            cookies=data.draw(st.dictionaries(st.sampled_from(COOKIES), latin1, max_size=2)),
        )

    explore()
    with capsys.disabled():
        print(
            f"\nfuzz as {role}: {tally.requests} requests over {len(tally.patterns)} URL "
            f"patterns in {time.monotonic() - started:.1f}s; statuses "
            + ", ".join(f"{code}×{n}" for code, n in sorted(tally.by_status.items()))
        )
    assert tally.patterns == {p.text for p in PATTERNS}


@pytest.mark.parametrize(
    "body",
    [
        '{"client_secret": "pi_\\u0000_secret_x", "number": "4242424242424242", '
        '"exp_month": 12, "exp_year": 2034, "cvc": "123"}',
        '{"client_secret": "' + "x" * 5000 + '", "authenticate": true}',
        '{"client_secret": ["pi_1"], "number": {}, "exp_month": "x"}',
        '{"client_secret": "pi_123_secret_456", "number": "4242", "exp_month": 1e999, '
        '"exp_year": -1, "cvc": null}',
        "[1, 2, 3]",
        "null",
        '"' + "\\ud800" + '"',
    ],
)
def test_the_emulator_bridge_refuses_hostile_json(world, body):
    client = client_for("anonymous", world)
    tally = Tally()

    send(client, world, tally, method="POST", path="/payments/emulator/confirm/", body=body)
    send(client, world, tally, method="POST", path="/payments/stripe/webhook/", body=body)

    assert tally.requests == 2
