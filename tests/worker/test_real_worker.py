"""A real Celery worker process, over Redis, sends the confirmation email exactly once."""

import os
import subprocess
import sys
import time
import uuid
from urllib.parse import quote

import pytest
from django.db import connection

from orders.services import mark_paid
from tests.conftest import ROOT
from worker.celery import app
from worker.models import OutboxEmail

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def real_worker(require_postgres, redis_url, tmp_path):
    """Start `celery worker` on a queue of its own and route this process's tasks to it."""
    queue = f"shop-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"file://{mail_dir}",
        "SHOP_TEST_QUEUE": queue,
    }
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "worker",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--without-mingle",
            "--without-gossip",
            "--loglevel=INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    try:
        yield mail_dir
    finally:
        app.conf.update(saved)
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
        print((tmp_path / "worker.log").read_text()[-3000:])


def _wait_for(predicate, timeout=45.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_sends_the_confirmation_once(real_worker, order):
    outcome = mark_paid(order_id=order.pk, amount=order.total, reference="pi_worker", actor="test")
    assert outcome.value == "paid"

    assert _wait_for(lambda: OutboxEmail.objects.filter(order=order, status="sent").exists()), (
        "the worker never sent the email"
    )
    # A repeated payment and a repeated task do not send it again.
    mark_paid(order_id=order.pk, amount=order.total, reference="pi_worker", actor="test")
    from worker.tasks import send_email

    send_email.delay(OutboxEmail.objects.get(order=order).pk)
    time.sleep(2)

    sent = list(real_worker.iterdir())
    assert len(sent) == 1
    body = sent[0].read_text()
    assert order.number in body and "buyer@example.com" in body
