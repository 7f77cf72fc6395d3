"""A real Celery worker process, over Redis, sends the confirmation email exactly once."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection

from orders.services.paying import mark_paid
from tests.conftest import ROOT
from worker.celery import app
from worker.models import OutboxEmail
from worker.tasks import requeue_pending_emails

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(queue, redis_url, mail_dir, log_path, **extra_env):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"file://{mail_dir}",
        "SHOP_TEST_QUEUE": queue,
        **extra_env,
    }
    log = open(log_path, "a")  # noqa: SIM115 - closed by _stop with the process
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
    process.log = log
    return process


def _stop(process):
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.close()


@pytest.fixture
def worker_env(require_postgres, redis_url, tmp_path):
    """A queue of this test's own, this process's tasks routed to it over Redis, and a place
    for the worker's mail and log."""
    queue = f"shop-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=redis_url, task_default_queue=queue)
    log_path = tmp_path / "worker.log"
    try:
        yield {"queue": queue, "redis_url": redis_url, "mail": mail_dir, "log": log_path}
    finally:
        app.conf.update(saved)
        if log_path.exists():
            print(log_path.read_text()[-4000:])


@pytest.fixture
def real_worker(worker_env):
    """A `celery worker` process on the test's queue."""
    process = _start_worker(
        worker_env["queue"], worker_env["redis_url"], worker_env["mail"], worker_env["log"]
    )
    try:
        yield worker_env["mail"]
    finally:
        _stop(process)


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


def test_a_worker_killed_mid_send_is_restarted_and_the_email_goes_once(worker_env, order, tmp_path):
    started = tmp_path / "sending"
    first = _start_worker(
        worker_env["queue"],
        worker_env["redis_url"],
        worker_env["mail"],
        worker_env["log"],
        SHOP_TEST_MAIL_DELAY="60",
        SHOP_TEST_MAIL_STARTED=str(started),
        SHOP_TEST_VISIBILITY_TIMEOUT="3",
    )
    try:
        mark_paid(order_id=order.pk, amount=order.total, reference="pi_kill", actor="test")
        assert _wait_for(started.exists), "the worker never started sending"
        first.send_signal(signal.SIGKILL)  # in the middle of the task, the row lock held
        first.wait(timeout=10)
    finally:
        _stop(first)
    email = OutboxEmail.objects.get(order=order)
    assert email.status == "pending" and list(worker_env["mail"].iterdir()) == []

    second = _start_worker(
        worker_env["queue"],
        worker_env["redis_url"],
        worker_env["mail"],
        worker_env["log"],
        SHOP_TEST_VISIBILITY_TIMEOUT="3",
    )
    try:
        # Redis hands the unacknowledged task to the new worker once its visibility runs out.
        assert _wait_for(lambda: OutboxEmail.objects.filter(pk=email.pk, status="sent").exists())
        time.sleep(4)  # long enough for any second delivery to show
    finally:
        _stop(second)
    sent = list(worker_env["mail"].iterdir())
    assert len(sent) == 1 and order.number in sent[0].read_text()


def test_an_order_paid_while_redis_is_down_gets_its_email_once_redis_is_back(worker_env, order):
    """The payment is taken by a process whose broker is unreachable; the order is paid and
    the email owed. With Redis back, the periodic sweep queues it and a worker sends it once."""
    script = (
        "import django; django.setup();"
        "from orders.models import Order; from orders.services.paying import mark_paid;"
        f"o = Order.objects.get(pk={order.pk});"
        "print(mark_paid(order_id=o.pk, amount=o.total, reference='pi_down', actor='t').value)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "SECRET_KEY": "redis-down-test",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
        "EMAIL_URL": "locmem://",
    }
    paying = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert paying.returncode == 0, paying.stderr[-2000:]
    assert paying.stdout.strip().endswith("paid")
    assert "the periodic sweep will retry" in paying.stderr
    order.refresh_from_db()
    assert order.status == "paid"
    email = OutboxEmail.objects.get(order=order)
    assert email.status == "pending"

    worker = _start_worker(
        worker_env["queue"], worker_env["redis_url"], worker_env["mail"], worker_env["log"]
    )
    try:
        OutboxEmail.objects.filter(pk=email.pk).update(
            created_at=email.created_at - timedelta(minutes=10)
        )
        # The sweep, as beat runs it: it queues the owed email over Redis for the worker.
        assert requeue_pending_emails() == 1
        assert _wait_for(lambda: OutboxEmail.objects.filter(pk=email.pk, status="sent").exists())
        assert requeue_pending_emails() == 0  # a second sweep finds nothing owed
        time.sleep(2)
    finally:
        _stop(worker)
    assert len(list(worker_env["mail"].iterdir())) == 1
