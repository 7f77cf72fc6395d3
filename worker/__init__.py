"""Background work: the Celery app (worker.celery) and the tasks it runs."""

from worker.celery import app as celery_app

__all__ = ["celery_app"]
