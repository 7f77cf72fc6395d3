"""What operators rely on: request ids in responses, logs and tasks; JSON logs; Prometheus
metrics behind a token or an allowed network; health checks without the page machinery;
errors to Sentry without personal data."""

import json
import logging
import types

import pytest
from django.urls import reverse
from prometheus_client import REGISTRY

from orders import services as order_services
from shop import error_reports, metrics
from shop.request_id import RequestIdFilter, RequestIdMiddleware, current
from tests.conftest import make_cart, place
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


def _sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


def test_every_response_carries_a_request_id_and_a_good_incoming_one_is_kept(client):
    made = client.get(reverse("healthz"))
    kept = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="lb-1234abcd")
    refused = client.get(reverse("healthz"), HTTP_X_REQUEST_ID="<script>")

    assert len(made["X-Request-ID"]) == 32
    assert kept["X-Request-ID"] == "lb-1234abcd"
    assert refused["X-Request-ID"] != "<script>" and len(refused["X-Request-ID"]) == 32


def test_log_lines_written_during_a_request_carry_its_id(rf):
    seen = []

    def view(request):
        record = logging.LogRecord("shop", logging.INFO, __file__, 1, "inside", None, None)
        RequestIdFilter().filter(record)
        seen.append(record.request_id)
        from django.http import HttpResponse

        return HttpResponse()

    RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="req-00000001"))
    outside = logging.LogRecord("shop", logging.INFO, __file__, 1, "outside", None, None)
    RequestIdFilter().filter(outside)

    assert seen == ["req-00000001"] and outside.request_id == "-"


def test_the_request_id_travels_to_the_tasks_a_request_queues():
    from worker.celery import _drop_request_id, _send_request_id, _take_request_id

    token = current.set("req-00000002")
    headers = {}
    _send_request_id(headers=headers)
    current.reset(token)
    task = types.SimpleNamespace(
        name="worker.tasks.send_email",
        request=types.SimpleNamespace(id="t1", request_id=headers["request_id"]),
    )
    _take_request_id(task=task)
    inside = current.get()
    _drop_request_id(task=task, state="SUCCESS")

    assert headers == {"request_id": "req-00000002"}
    assert inside == "req-00000002" and current.get() == ""


def test_json_logs_are_one_object_per_line_with_the_request_id(settings):
    from pythonjsonlogger.json import JsonFormatter

    options = dict(settings.LOGGING["formatters"]["json"])
    options.pop("()")
    options["fmt"] = options.pop("format")  # what logging.config does for a custom formatter
    record = logging.LogRecord("shop.orders", logging.WARNING, __file__, 1, "paid %s", ("X",), None)
    record.request_id = "req-00000003"

    line = json.loads(JsonFormatter(**options).format(record))

    assert line["level"] == "WARNING" and line["logger"] == "shop.orders"
    assert line["message"] == "paid X" and line["request_id"] == "req-00000003"


def test_metrics_answer_the_allowed_network_or_the_token_and_no_one_else(client, settings):
    client.get(reverse("catalog:home"))

    local = client.get(reverse("metrics"))
    foreign = client.get(reverse("metrics"), REMOTE_ADDR="203.0.113.9")
    settings.METRICS_TOKEN = "s3cret-token"
    no_token = client.get(reverse("metrics"))
    with_token = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer s3cret-token")

    assert local.status_code == 200
    assert (
        'shop_http_request_duration_seconds_count{method="GET",status="200",view="catalog:home"}'
        in (local.content.decode())
    )
    assert foreign.status_code == 404 and no_token.status_code == 404
    assert with_token.status_code == 200


def test_the_shops_counters_follow_orders_and_webhooks(
    client, shipping_method, django_capture_on_commit_callbacks
):
    placed, paid = (
        _sample("shop_orders_total", event="placed"),
        _sample("shop_orders_total", event="paid"),
    )
    refused = _sample("shop_webhook_events_total", type="unknown", outcome="refused")
    with django_capture_on_commit_callbacks(execute=True):
        order = place(make_cart((VariantFactory(stock_on_hand=3), 1)), shipping_method)
    with django_capture_on_commit_callbacks(execute=True):
        order_services.mark_paid(order_id=order.pk, amount=order.total, reference="pi_m", actor="t")
    client.post(reverse("payments:webhook"), data="{}", content_type="application/json")

    assert _sample("shop_orders_total", event="placed") == placed + 1
    assert _sample("shop_orders_total", event="paid") == paid + 1
    assert _sample("shop_webhook_events_total", type="unknown", outcome="refused") == refused + 1


def test_a_stock_refusal_is_counted(client):
    variant = VariantFactory(stock_on_hand=1)
    before = _sample("shop_stock_refusals_total", where="cart")

    client.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 5})

    assert _sample("shop_stock_refusals_total", where="cart") == before + 1


def test_health_checks_skip_the_content_security_policy(client):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert "Content-Security-Policy" not in response


def test_error_reports_carry_no_personal_data():
    event = {
        "message": "Could not email ada@example.com",
        "user": {"email": "ada@example.com", "ip_address": "203.0.113.9"},
        "request": {"url": "https://shop.test/checkout/", "cookies": {"sessionid": "x"},
                    "data": {"email": "ada@example.com"}, "headers": {"Cookie": "x"}},
        "breadcrumbs": {"values": [{"message": "to grace@example.com"}]},
    }  # fmt: skip

    scrubbed = error_reports.scrub(event)

    assert "user" not in scrubbed
    assert scrubbed["request"] == {"url": "https://shop.test/checkout/"}
    assert scrubbed["message"] == "Could not email [email]"
    assert scrubbed["breadcrumbs"]["values"][0]["message"] == "to [email]"
    assert "example.com" not in json.dumps(scrubbed)


def test_the_webhook_outcomes_are_few():
    assert metrics.webhook_outcome("duplicate") == "duplicate"
    assert metrics.webhook_outcome("paid") == "applied"
    assert metrics.event_type("payment_intent.succeeded") == "payment_intent.succeeded"
    assert metrics.event_type("customer.created") == "other"
