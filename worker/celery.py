"""The Celery app. Configured from Django settings (every CELERY_* name in shop/settings.py).

celery -A worker worker --beat --loglevel=INFO     # what `make worker` runs
"""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["worker"])

app.conf.beat_schedule = {
    "expire-unpaid-orders": {"task": "worker.tasks.expire_unpaid_orders", "schedule": 60.0},
    "reconcile-payments": {"task": "worker.tasks.reconcile_payments", "schedule": 300.0},
    "expire-gift-cards-and-credit": {
        "task": "worker.tasks.expire_gift_cards_and_credit",
        "schedule": crontab(hour=0, minute=15),
    },
    "low-stock-digest": {
        "task": "worker.tasks.send_low_stock_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every minute: payment reminders fall due at their own time.
    "send-owed-emails": {"task": "worker.tasks.requeue_pending_emails", "schedule": 60.0},
    # Back-in-stock batches after the first (the restock's signal sends that), and expiry.
    "scan-stock-alerts": {"task": "worker.tasks.scan_stock_alerts", "schedule": 600.0},
    "remind-abandoned-carts": {"task": "worker.tasks.remind_abandoned_carts", "schedule": 900.0},
    # A promotion starting or ending changes sale prices on cached catalog pages.
    "promotion-boundaries": {
        "task": "worker.tasks.bump_catalog_at_promotion_boundaries",
        "schedule": 60.0,
    },
}


# The request id of the web request that queued a task travels in the task's headers, and is
# the task's while it runs: its log lines say which request caused them (shop/request_id.py).
@signals.before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    from shop.request_id import current

    if headers is not None and current.get():
        headers.setdefault("request_id", current.get())


@signals.task_prerun.connect
def _take_request_id(task=None, **kwargs):
    import time

    from shop.request_id import current

    if task is None:
        return
    request_id = getattr(task.request, "request_id", None)
    task.request.shop_request_id_token = current.set(request_id or f"task-{task.request.id}")
    task.request.shop_started = time.perf_counter()


@signals.task_postrun.connect
def _drop_request_id(task=None, state=None, **kwargs):
    import time

    from shop.request_id import current
    from worker import metrics

    if task is None:
        return
    started = getattr(task.request, "shop_started", None)
    if started is not None:
        metrics.TASK_SECONDS.labels(task.name).observe(time.perf_counter() - started)
    metrics.TASKS.labels(task.name, (state or "unknown").lower()).inc()
    token = getattr(task.request, "shop_request_id_token", None)
    if token is not None:
        current.reset(token)


@signals.worker_init.connect
def _serve_worker_metrics(**kwargs):
    """With WORKER_METRICS_PORT, the worker serves its tasks' metrics (all pool processes,
    through PROMETHEUS_MULTIPROC_DIR) on 127.0.0.1 for Prometheus to scrape."""
    port = os.environ.get("WORKER_METRICS_PORT")
    if not port:
        return
    from prometheus_client import start_http_server

    from shop.metrics import registry

    start_http_server(
        int(port), addr=os.environ.get("WORKER_METRICS_ADDR", "127.0.0.1"), registry=registry()
    )
