"""The worker's own metrics: emails by kind and outcome, Celery tasks by name and state."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

EMAILS = Counter("shop_emails_total", "Emails, by kind and outcome.", ["kind", "outcome"])
TASKS = Counter("shop_celery_tasks_total", "Celery tasks, by name and state.", ["task", "state"])
TASK_SECONDS = Histogram(
    "shop_celery_task_duration_seconds",
    "Time a Celery task ran, by name.",
    ["task"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
