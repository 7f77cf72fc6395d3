"""Prometheus metrics (prometheus-client): what an operator watches and alerts on.

- Per request: latency and SQL queries by view (its URL name, so the labels stay few).
- The shop's own counters are declared by the app that counts them, beside it:
  orders/metrics.py (orders placed, paid and expired), payments/metrics.py (payments failed,
  Stripe events by type and outcome), shop/cart/metrics.py (stock refusals, also counted by
  orders/allocation.py), worker/metrics.py (emails sent, retried and failed; Celery tasks by
  name and state, with their durations). This module imports no app.

Counters that a transaction causes are counted when it commits (`count_on_commit`), so a
rolled-back checkout counts nothing. With PROMETHEUS_MULTIPROC_DIR set, every process
(gunicorn's workers, Celery's pool) writes its samples there and /metrics adds them up
(prometheus-client's multiprocess mode); gunicorn.conf.py empties it when the node starts.

/metrics answers only a request bearing METRICS_TOKEN (`Authorization: Bearer …`) or, without
a token set, one from METRICS_ALLOWED_NETWORKS (loopback by default); anyone else gets a 404.
The load balancer does not forward it (deploy/nginx.conf).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)

REQUEST_SECONDS = Histogram(
    "shop_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
REQUEST_QUERIES = Histogram(
    "shop_http_request_db_queries",
    "SQL queries run to answer a request, by view.",
    ["view"],
    buckets=(0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89),
)


def count_on_commit(counter, amount: float = 1, **labels) -> None:
    """Count once the current transaction commits (at once outside one)."""
    metric = counter.labels(**labels) if labels else counter
    transaction.on_commit(lambda: metric.inc(amount))


class MetricsMiddleware:
    """Latency and query count of each request, labelled by the view's URL name."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queries = [0]

        def count(execute, sql, params, many, context):
            queries[0] += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        REQUEST_SECONDS.labels(view, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        REQUEST_QUERIES.labels(view).observe(queries[0])
        return response


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n) for n in settings.METRICS_ALLOWED_NETWORKS)


def registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
        return collected
    return REGISTRY


def metrics_view(request):
    if not _allowed(request):
        raise Http404("No such page")
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
