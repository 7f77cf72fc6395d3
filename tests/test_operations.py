"""What operators rely on: request ids in responses, logs and tasks; JSON logs; Prometheus
metrics behind a token or an allowed network; health checks without the page machinery;
errors to Sentry without personal data."""

import http.client
import json
import logging
import os
import subprocess
import sys
import time
import types
from pathlib import Path

import pytest
from django.urls import reverse
from prometheus_client import REGISTRY

from orders import services as order_services
from payments import metrics as payment_metrics
from payments.outcomes import WebhookOutcome
from shop import error_reports
from shop.request_id import RequestIdFilter, RequestIdMiddleware, current
from tests.conftest import ROOT, free_port, make_cart, place
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
    client.post(reverse("stripe_webhook"), data="{}", content_type="application/json")

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
    assert WebhookOutcome.of("duplicate").metric_label == "duplicate"
    assert WebhookOutcome.of("paid").metric_label == "applied"
    assert WebhookOutcome.of("refunds_synced_2") is WebhookOutcome.REFUNDS_SYNCED
    assert WebhookOutcome.of("status_requires_action").metric_label == "applied"
    assert {o.metric_label for o in WebhookOutcome} == {
        "duplicate",
        "stale",
        "ignored",
        "refused",
        "applied",
    }
    assert payment_metrics.event_type("payment_intent.succeeded") == "payment_intent.succeeded"
    assert payment_metrics.event_type("customer.created") == "other"


def test_metrics_over_plain_http_are_not_redirected_but_still_guarded(client, settings):
    """Prometheus scrapes each node directly, over plain HTTP inside the network, as the load
    balancer checks /healthz: a redirect to HTTPS would be a failed scrape."""
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.METRICS_TOKEN = ""
    page = client.get(reverse("catalog:home"))
    allowed = client.get(reverse("metrics"))
    foreign = client.get(reverse("metrics"), REMOTE_ADDR="203.0.113.9")
    settings.METRICS_TOKEN = "s3cret-token"
    with_token = client.get(
        reverse("metrics"), REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )
    wrong_token = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer guess")

    assert page.status_code == 301 and page["Location"].startswith("https://")
    assert allowed.status_code == 200 and b"shop_http_request_duration_seconds" in allowed.content
    assert with_token.status_code == 200
    assert foreign.status_code == 404 and wrong_token.status_code == 404


def _get(port: int, path: str, **headers) -> tuple[int, bytes]:
    """One plain-HTTP GET, redirects not followed."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _node_environment(tmp_path, port: int) -> dict[str, str]:
    """A production node's settings (DEBUG off, so HTTPS redirects on), not the test suite's."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DEBUG": "0",
        "SECRET_KEY": "a-node-of-the-test-suite-" + "x" * 40,
        "SHOP_URL": "https://shop.test",
        "ALLOWED_HOSTS": "127.0.0.1",
        # No query is made; a file of its own keeps the node off the suite's databases.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'node.sqlite3'}",
        "METRICS_TOKEN": "node-token",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "not-yet" / "metrics"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_GRACEFUL_TIMEOUT": "3",
    }


def test_a_node_starts_with_a_metrics_folder_that_does_not_exist_yet(tmp_path):
    port = free_port()
    environment = _node_environment(tmp_path, port)
    log = (tmp_path / "gunicorn.log").open("w")
    node = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "shop.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while node.poll() is None and time.monotonic() < deadline:
            try:
                health = _get(port, "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        assert node.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]

        scraped = _get(port, "/metrics", Authorization="Bearer node-token")

        assert health == (200, b"ok\n")  # over plain HTTP, DEBUG off: not redirected
        assert scraped[0] == 200, scraped
        # Counted by a worker, in a file of the folder the node made, added up by /metrics.
        assert (
            b'shop_http_request_duration_seconds_count{method="GET",status="200",view="healthz"}'
            in scraped[1]
        )
        assert any(Path(environment["PROMETHEUS_MULTIPROC_DIR"]).glob("*.db"))
        # (Refusals are the shop's 404 page, which needs collectstatic's manifest: the test
        # above checks them.)
    finally:
        node.terminate()
        node.wait(timeout=30)
        log.close()


def test_the_metrics_folder_is_emptied_when_a_node_starts_and_not_when_it_reloads(
    tmp_path, monkeypatch
):
    import runpy

    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"from the node's last run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))
    monkeypatch.delenv("SHOP_METRICS_FOLDER_PREPARED", raising=False)

    runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # gunicorn reads its settings: a start
    emptied = sorted(p.name for p in folder.iterdir())
    (folder / "counter_456.db").write_bytes(b"a worker of this run")
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # SIGHUP: the settings read again

    assert emptied == []
    assert [p.name for p in folder.iterdir()] == ["counter_456.db"]
