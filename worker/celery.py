"""The Celery app. Configured from Django settings (every CELERY_* name in shop/settings.py).

celery -A worker worker --beat --loglevel=INFO     # what `make worker` runs
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["worker"])

app.conf.beat_schedule = {
    "expire-unpaid-orders": {"task": "worker.tasks.expire_unpaid_orders", "schedule": 60.0},
    "reconcile-payments": {"task": "worker.tasks.reconcile_payments", "schedule": 300.0},
    "low-stock-digest": {
        "task": "worker.tasks.send_low_stock_digest",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every minute: payment reminders fall due at their own time.
    "send-owed-emails": {"task": "worker.tasks.requeue_pending_emails", "schedule": 60.0},
}
