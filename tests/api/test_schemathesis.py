"""Schemathesis against the live schema (/api/v1/schema/, fetched from the running app), with
all its phases: every operation with the schema's examples, the coverage phase's boundary and
invalid values, and fuzzed input; then stateful scenarios that follow the schema's links from a
product to a cart, its shipping methods, the order and its payment. Every check but
positive_data_acceptance runs on every answer: no 5xx; status code, content type, headers and
body as documented; data the schema forbids refused (negative_data_rejection); methods the
schema does not list answered 405 with Allow (unsupported_method); required headers, auth.
Business refusals (a 409 for stock, a 404 for a cart that is not yours) are answers the schema
documents, so "positive data must be accepted" does not apply."""

from __future__ import annotations

import json
import os

import hypothesis
import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from moneyed import Money
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import ProductFactory, ShippingMethodFactory, VariantFactory

pytestmark = [pytest.mark.api, pytest.mark.django_db]

# Every built-in check but one (see above), and every phase (examples, coverage, fuzzing here;
# stateful below).
CONFIG = {"checks": {"positive_data_acceptance": {"enabled": False}}}
EXCLUDED = [positive_data_acceptance]
SETTINGS = hypothesis.settings(
    deadline=None,
    derandomize=True,  # the same examples every run: a failure in CI can be replayed
    database=None,
    suppress_health_check=list(HealthCheck),
)
EXERCISED: set[str] = set()


@pytest.fixture
def in_test_transaction():
    """Requests through the WSGI app keep the test's database connection open (Django's test
    client does the same): at the end of a request Django would close it, transaction and
    all."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def catalog(db, in_test_transaction, settings):
    """A small catalog: products in stock and a shipping method; the throttles raised (they
    are tested on their own, and a 429 would hide what the operation answers)."""
    settings.API_THROTTLE_PER_IP = "1000000/m"
    settings.API_THROTTLE_PER_USER = "1000000/m"
    ShippingMethodFactory(name="Standard")
    for index in range(3):
        VariantFactory(
            product=ProductFactory(name=f"Linen shirt {index}"),
            price=Money("25.00", "USD"),
            stock_on_hand=100_000,  # any quantity the schema allows (up to 999) can be had
        )


# The schema as the running app serves it (no database needed to build it).
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/schema/", get_wsgi_application(), config=schemathesis.Config.from_dict(CONFIG)
)


@pytest.fixture
def api_schema(catalog):
    return schema


@schema.parametrize()
@hypothesis.settings(SETTINGS, max_examples=25)
def test_every_operation_answers_within_its_schema(case, catalog):
    EXERCISED.add(f"{case.method} {case.path}")
    case.call_and_validate(excluded_checks=EXCLUDED)


# The walks send valid data only (the parametrized test above sends hostile data too), so
# that link after link they get through the purchase.
WALKS = schemathesis.Config.from_dict({**CONFIG, "generation": {"mode": "positive"}})


def test_stateful_walks_along_the_schemas_links(catalog, stripe_emulator):
    """Links (see each app's api.py): products -> create_cart (its first item's variant) or
    product -> create_cart; create_cart -> shipping_methods -> quote / place_order, or ->
    place_order; place_order -> order -> start_payment. Paying it is the example client's
    (tests/api/test_example_client.py): the emulator's card form is not part of the API."""
    reached: set[str] = set()

    # The gift card and store credit operations (each tried by the test above) are left out:
    # their links from a cart would take the walks' steps away from the purchase they follow.
    walks = schemathesis.openapi.from_wsgi(
        "/api/v1/schema/", get_wsgi_application(), config=WALKS
    ).exclude(tag="gift cards and store credit")

    class Workflow(walks.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            reached.add(f"{case.operation.label} {response.status_code}")
            case.validate_response(response, excluded_checks=EXCLUDED)

    # 20 walks of up to 10 steps (derandomised, so the same ones each run): they reach about
    # 17 operation/status pairs, past the two steps asserted below; 80 walks took three times
    # as long and asserted nothing more (the purchase in order is the next test's).
    Workflow.run(
        settings=hypothesis.settings(
            SETTINGS, max_examples=20, stateful_step_count=10, phases=[hypothesis.Phase.generate]
        )
    )
    # The walks went past the first step: carts made from linked answers and followed on.
    # How far a random walk gets depends on the schema's shape (one field more and it takes
    # other paths), so reaching the order is proven by following the links in order below.
    for step in ("POST /api/v1/carts 201", "GET /api/v1/carts/{token}/shipping-methods 200"):
        assert step in reached, sorted(reached)
    print(f"stateful steps reached: {len(reached)}")


def _resolve(value, body):
    """A link's runtime expression ("$response.body#/items/0/id") against the answer it
    follows; anything else as it is (nested in objects and lists)."""
    if isinstance(value, dict):
        return {k: _resolve(v, body) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, body) for v in value]
    if isinstance(value, str) and value.startswith("$response.body#"):
        for part in value.removeprefix("$response.body#").strip("/").split("/"):
            body = body[int(part)] if isinstance(body, list) else body[part]
        return body
    return value


def test_the_schemas_links_lead_from_a_listing_to_the_orders_payment(catalog, stripe_emulator):
    """The purchase along the links the schema declares, one after the other (the random
    walks may or may not take this path): each answer checked by schemathesis, each next
    request made only from the link's expressions over the previous answer."""
    from shop.api.main import api

    spec = json.loads(json.dumps(api.get_openapi_schema()))  # the keys as served
    by_id = {
        op["operationId"]: (path, method.upper(), op)
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
    }

    def call(operation_id, *, parameters=None, body=None, status):
        path, method, definition = by_id[operation_id]
        where = {p["name"]: p["in"] for p in definition.get("parameters", [])}
        given = parameters or {}
        case = schema[path][method].Case(
            path_parameters={k: v for k, v in given.items() if where.get(k) == "path"},
            query={k: v for k, v in given.items() if where.get(k) == "query"},
            **({"body": body} if body is not None else {}),
        )
        response = case.call()
        case.validate_response(response, excluded_checks=EXCLUDED)
        assert response.status_code == status, response.text
        return response.json(), definition["responses"][str(status)].get("links", {})

    def follow(links, name, answer, status):
        link = links[name]
        return call(
            link["operationId"],
            parameters=_resolve(link.get("parameters", {}), answer),
            body=_resolve(link["requestBody"], answer) if "requestBody" in link else None,
            status=status,
        )

    listing, links = call("products", status=200)
    cart, links = follow(links, "QuickAdd", listing, 201)
    assert cart["lines"]
    order, links = follow(links, "PlaceOrder", cart, 201)
    seen, _ = follow(links, "GetOrder", order, 200)
    assert seen["status"] == "pending_payment"
    payment, _ = follow(links, "StartPayment", order, 200)
    assert payment["client_secret"]


def test_every_operation_was_exercised(api_schema, request):
    """Run last in this module: the parametrized test covered every operation. In one process
    the operations it ran are counted; under pytest-xdist its cases may be spread over the
    workers, so each operation must have its case among those collected (each case passing
    is reported by its own test)."""
    operations = {
        f"{result.ok().method.upper()} {result.ok().path}".upper()
        for result in api_schema.get_all_operations()
    }
    cases = [
        item
        for item in request.session.items
        if item.originalname == "test_every_operation_answers_within_its_schema"
    ]
    assert len(cases) == len(operations), (len(cases), len(operations))
    if not EXERCISED:
        pytest.skip("run with the parametrized test")
    ran = {o.upper() for o in EXERCISED}  # (with the methods an operation does not have)
    if "PYTEST_XDIST_WORKER" not in os.environ:
        assert ran >= operations
    print(f"schemathesis exercised {len(ran & operations)} of {len(operations)} operations here")
