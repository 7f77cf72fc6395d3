"""Hostile bodies to every operation of the two JSON APIs: the shop's (/api/v1/) and allauth's
app API (/_allauth/app/v1/). The operations are read from their own OpenAPI schemas (ninja's
and allauth's), not listed by hand: an operation added tomorrow is covered the day it exists.

Every operation gets, with its own method: a multipart and a urlencoded form, JSON that is not
an object, a NUL and a lone surrogate in every string of a body shaped like its schema, a
5,000-digit number in every number and string slot, 1e999, 100,000 nested arrays, and a body
above DATA_UPLOAD_MAX_MEMORY_SIZE; and every method it does not have. None may answer 5xx;
every refusal is in that API's documented error shape (a 405 too, with `Allow`); a refused
request changes no row (PostgreSQL's per-transaction counters, every table); and allauth's
sign-in rate limit still counts afterwards.
"""

from __future__ import annotations

import json
import re

import pytest
from allauth.headless.spec.internal.schema import get_schema as allauth_schema
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Address
from orders.selectors import order_key
from shop.api.main import api
from shop.body_guard import BODY_METHODS
from tests.conftest import ADDRESS, make_cart, place
from tests.factories import UserFactory, VariantFactory
from tests.fuzz.test_hostile_input import rows_changed

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
BIG = "1" * 5000
PLACEHOLDER = "__HOSTILE_NUMBER__"
NESTED = "[" * 100_000 + "]" * 100_000
BODY_LIMIT = 20_000  # DATA_UPLOAD_MAX_MEMORY_SIZE in these tests: an oversized body is cheap


# --- the operations, from the schemas ------------------------------------------------------


def _deref(spec: dict, node: dict) -> dict:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node, seen = target, seen + 1
    return node


def sample(spec: dict, schema: dict, leaf, depth: int = 0):
    """A value shaped like `schema` whose every string and number is `leaf`."""
    schema = _deref(spec, schema or {})
    for combined in ("allOf", "anyOf", "oneOf"):
        if schema.get(combined):
            options = [s for s in schema[combined] if _deref(spec, s).get("type") != "null"]
            return sample(spec, (options or schema[combined])[0], leaf, depth)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if depth > 6:
        return leaf
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties") or {"value": {"type": "string"}}
        return {name: sample(spec, sub, leaf, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        return [sample(spec, schema.get("items", {}), leaf, depth + 1)]
    if kind == "boolean":
        return True
    return leaf


def _json_body_schema(operation: dict) -> dict | None:
    content = (operation.get("requestBody") or {}).get("content", {})
    return (content.get("application/json") or {}).get("schema")


def operations(spec: dict, client_name: str | None = None) -> list[dict]:
    found = []
    for template, methods in spec["paths"].items():
        path = template.replace("{client}", client_name) if client_name else template
        for method, operation in methods.items():
            if method.upper() not in METHODS:
                continue
            found.append(
                {
                    "template": path,
                    "method": method.upper(),
                    "label": f"{method.upper()} {path}",
                    "body_schema": _json_body_schema(operation),
                    "query": [
                        p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"
                    ],
                    "all_methods": {m.upper() for m in methods if m.upper() in METHODS},
                }
            )
    return found


API_SPEC = json.loads(json.dumps(api.get_openapi_schema()))
ALLAUTH_SPEC = allauth_schema()
API_OPERATIONS = operations(API_SPEC)
ALLAUTH_OPERATIONS = operations(ALLAUTH_SPEC, "app")


def hostile_bodies(spec: dict, operation: dict) -> list[tuple[str, str, bytes | str]]:
    """(what, content type, body) for one operation: its schema's shape, made hostile."""
    schema = operation["body_schema"] or {"type": "object", "properties": {"value": {}}}
    nul = sample(spec, schema, "a\x00b")
    surrogate = sample(spec, schema, "\ud800")
    big = json.dumps(sample(spec, schema, PLACEHOLDER)).replace(f'"{PLACEHOLDER}"', BIG)
    inf = json.dumps(sample(spec, schema, PLACEHOLDER)).replace(f'"{PLACEHOLDER}"', "1e999")
    form = {"email": "a@example.com", "quantity": "1", "lines": "x"}
    return [
        ("multipart", MULTIPART_CONTENT, encode_multipart(BOUNDARY, form)),
        ("urlencoded", "application/x-www-form-urlencoded", "email=a%40example.com&quantity=1"),
        ("text/plain JSON", "text/plain", json.dumps(sample(spec, schema, "x"))),
        ("array", "application/json", "[null, null]"),
        ("string", "application/json", '"text"'),
        ("number", "application/json", "7"),
        ("NUL in strings", "application/json", json.dumps(nul)),
        ("lone surrogate in strings", "application/json", json.dumps(surrogate)),
        ("5,000-digit numbers", "application/json", big),
        ("1e999", "application/json", inf),
        ("100,000 nested arrays", "application/json", NESTED),
        ("deep inside an object", "application/json", '{"value": ' + NESTED + "}"),
        ("not UTF-8", "application/json", b'{"email": "\xff\xfe"}'),
        ("over the size limit", "application/json", json.dumps({"value": "a" * BODY_LIMIT})),
    ]


# --- the answers ----------------------------------------------------------------------------


def assert_api_error_shape(response, described: str) -> None:
    body = response.json()
    assert set(body) == {"errors"} and body["errors"], described
    for problem in body["errors"]:
        assert set(problem) == {"code", "message", "field"}, described
        assert isinstance(problem["code"], str) and isinstance(problem["message"], str)


def assert_allauth_shape(response, described: str) -> None:
    body = response.json()
    assert body["status"] == response.status_code, described
    if response.status_code in (400, 405):
        assert body["errors"], described
        for problem in body["errors"]:
            assert isinstance(problem["message"], str) and isinstance(problem["code"], str)


@pytest.fixture
def world(require_postgres, stripe_emulator, shipping_method, settings):
    """A signed-in shopper with a cart line, an order, an address; and the API's throttles
    out of the way (they are tested on their own)."""
    settings.API_THROTTLE_PER_IP = "100000/m"
    settings.API_THROTTLE_PER_USER = "100000/m"
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = BODY_LIMIT
    user = UserFactory(email="shopper@example.com")
    variant = VariantFactory(stock_on_hand=50)
    order = place(make_cart((variant, 1)), shipping_method, user=user, email=user.email)
    created = (
        Client()
        .post(
            "/api/v1/carts",
            json.dumps({"lines": [{"variant_id": variant.pk}]}),
            content_type="application/json",
        )
        .json()
    )
    address = Address.objects.create(user=user, is_default=True, **ADDRESS)
    values = {
        "token": created["token"],
        "line_id": str(created["lines"][0]["id"]),
        "number": order.number,
        "address_id": str(address.pk),
        "slug": variant.product.slug,
    }
    query = {"key": order_key(order), "country": "GB"}
    browser = Client()
    browser.force_login(user)
    return {"user": user, "values": values, "query": query, "browser": browser}


def url(operation: dict, world: dict) -> str:
    path = re.sub(r"{(\w+)}", lambda m: world["values"].get(m.group(1), "x"), operation["template"])
    query = "&".join(f"{n}={world['query'][n]}" for n in operation["query"] if n in world["query"])
    return path + (f"?{query}" if query else "")


def send(client, method, path, body, content_type, *, check_shape, described):
    before = rows_changed()
    response = client.generic(method, path, body, content_type=content_type)
    changed = rows_changed() - before
    described += f" -> {response.content[:200]!r}"
    assert response.status_code < 500, f"{response.status_code} for {described}"
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/json"), described
        check_shape(response, described)
        assert changed == 0, f"{response.status_code} changed {changed} row(s): {described}"
    return response


def hostile_round(client, spec, ops, world, check_shape) -> dict[str, int]:
    """Every hostile body to every operation, then every missing method; the statuses seen."""
    seen: dict[str, int] = {}
    for operation in ops:
        path = url(operation, world)
        for what, content_type, body in hostile_bodies(spec, operation):
            described = f"{operation['label']} with {what}"
            response = send(
                client,
                operation["method"],
                path,
                body,
                content_type,
                check_shape=check_shape,
                described=described,
            )
            if operation["body_schema"] and operation["method"] in BODY_METHODS:
                assert response.status_code in (400, 422), f"{response.status_code}: {described}"
            seen[f"{response.status_code}"] = seen.get(f"{response.status_code}", 0) + 1
        for method in sorted(set(METHODS) - operation["all_methods"]):
            described = f"{method} {operation['template']} (not one of its methods)"
            response = send(
                client, method, path, "{}", "application/json", check_shape=check_shape,
                described=described,
            )  # fmt: skip
            served = _served(operation["template"])
            if served:
                assert response.status_code == 405, f"{response.status_code}: {described}"
                allowed = {m.strip() for m in response["Allow"].split(",")}
                assert operation["all_methods"] <= allowed, described
            seen["405" if served else "404"] = seen.get("405" if served else "404", 0) + 1
    return seen


def _served(path: str) -> bool:
    """Whether this path is really served here (allauth's schema lists its phone endpoints,
    which the shop answers 404: accounts have no phone number)."""
    try:
        return resolve(path).func.__name__ != "no_phone_numbers"
    except Resolver404:
        return False


# --- the tests ------------------------------------------------------------------------------


def test_the_operations_come_from_the_schemas():
    assert len(API_OPERATIONS) >= 17
    assert "POST /api/v1/carts" in {o["label"] for o in API_OPERATIONS}
    labels = {o["label"] for o in ALLAUTH_OPERATIONS}
    for op in ("login", "signup", "email/verify", "password/request"):
        assert f"POST /_allauth/app/v1/auth/{op}" in labels


@pytest.mark.parametrize("role", ["guest", "signed-in browser"])
def test_every_api_operation_refuses_hostile_bodies_in_its_error_shape(world, role, capsys):
    client = Client() if role == "guest" else world["browser"]
    seen = hostile_round(client, API_SPEC, API_OPERATIONS, world, assert_api_error_shape)
    with capsys.disabled():
        print(f"\n/api/v1/ as {role}: {len(API_OPERATIONS)} operations, statuses {seen}")


def test_every_allauth_operation_refuses_hostile_bodies_and_sign_in_limits_still_count(
    world, capsys
):
    user = world["user"]
    anonymous = Client()
    token = anonymous.post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"email": user.email, "password": "correct horse battery"}),
        content_type="application/json",
    ).json()["meta"]["session_token"]
    seen = {}
    for app in (Client(), Client(headers={"X-Session-Token": token})):
        seen = hostile_round(app, ALLAUTH_SPEC, ALLAUTH_OPERATIONS, world, assert_allauth_shape)
    with capsys.disabled():
        print(f"\n/_allauth/app/v1/: {len(ALLAUTH_OPERATIONS)} operations, statuses {seen}")

    # The hostile requests were refused before allauth saw them, and its limits still hold:
    # five wrong passwords a minute, then even the right one is refused.
    def login(password):
        return Client().post(
            "/_allauth/app/v1/auth/login",
            json.dumps({"email": user.email, "password": password}),
            content_type="application/json",
        )

    assert [login("not the password").status_code for _ in range(5)] == [400] * 5
    sixth = login("correct horse battery")
    assert sixth.status_code in (400, 429), sixth.content
    assert [e["code"] for e in sixth.json()["errors"]] == ["too_many_login_attempts"]


# --- then Hypothesis: random JSON, shaped by the schemas' member names, to random operations --

HOSTILE_LEAVES = ["\x00", "a\x00b", "\ud800", "\udfff", "", " ", "9" * 400, "<script>", "١٢٣"]
leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
    | st.sampled_from(HOSTILE_LEAVES)
)
json_values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)


def _member_names(spec: dict, operation: dict) -> list[str]:
    body = sample(spec, operation["body_schema"] or {}, "x")
    names: list[str] = []
    pending = [body]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            names += list(item)
            pending += list(item.values())
        elif isinstance(item, list):
            pending += item
    return names or ["value"]


EVERY_OPERATION = [(API_SPEC, o, assert_api_error_shape) for o in API_OPERATIONS] + [
    (ALLAUTH_SPEC, o, assert_allauth_shape) for o in ALLAUTH_OPERATIONS
]


def test_random_json_to_random_operations_of_both_apis(world, capsys):
    seen: dict[int, int] = {}
    client = world["browser"]

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def explore(data):
        spec, operation, check_shape = data.draw(st.sampled_from(EVERY_OPERATION))
        names = _member_names(spec, operation)
        body = data.draw(
            st.dictionaries(st.sampled_from(names) | st.text(max_size=8), json_values, max_size=6)
            | json_values
        )
        method = data.draw(st.sampled_from([operation["method"], *sorted(BODY_METHODS)]))
        response = send(
            client,
            method,
            url(operation, world),
            json.dumps(body),
            "application/json",
            check_shape=check_shape,
            described=f"{method} {operation['template']} {body!r:.300}",
        )
        seen[response.status_code] = seen.get(response.status_code, 0) + 1

    explore()
    with capsys.disabled():
        print(f"\nrandom JSON to both APIs: statuses {dict(sorted(seen.items()))}")
