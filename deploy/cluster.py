"""The shop as it runs on many machines, on this one: `make cluster`, `make cluster-stop`.

    python deploy/cluster.py start      # PostgreSQL and Redis (the running ones), S3, Stripe,
                                        # two web nodes, nginx, two workers and beat
    python deploy/cluster.py start --no-photos  # the same, the demo's products without photos
                                        # (their placeholders): half a minute less to start
    python deploy/cluster.py stop
    python deploy/cluster.py kill web2  # SIGKILL one process (web1, web2, worker1, worker2)
    python deploy/cluster.py revive web2

Everything listens on 127.0.0.1: nginx on 8100 in front of gunicorn on 8101 and 8102, the
Stripe emulator on 8120 posting its webhooks to nginx, a local S3 endpoint (moto) on 8130
holding the media. The processes, their logs and their state live in var/cluster/
(state.json names what `stop` stops). Each start begins afresh: the `shop_cluster` database
(beside DATABASE_URL's, or CLUSTER_DATABASE_URL) is made anew from the demo catalog, and the
Redis database (db 3 of REDIS_URL's Redis, or CLUSTER_REDIS_URL) is emptied.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "var" / "cluster"
STATE = RUN / "state.json"
PYTHON = sys.executable
LB, WEB1, WEB2, STRIPE, S3 = 8100, 8101, 8102, 8120, 8130
BUCKET = "shop-media"
WEBHOOK_SECRET = "whsec_cluster"


def _database_url(*, fresh: bool = False) -> str:
    """CLUSTER_DATABASE_URL, else a `shop_cluster` database beside DATABASE_URL's (or on the
    local PostgreSQL): never the database of `make run` or the tests. `fresh`: made anew (each
    `make cluster` starts from the demo catalog, not from what an earlier load test sold)."""
    import urllib.parse

    import psycopg

    if os.environ.get("CLUSTER_DATABASE_URL"):
        return os.environ["CLUSTER_DATABASE_URL"]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        candidates = [urllib.parse.urlparse(os.environ["DATABASE_URL"])]
    else:
        candidates = [
            urllib.parse.urlparse(f"postgres://{user}@127.0.0.1:5432/postgres")
            for user in ("postgres", "root")
        ]
    for parts in candidates:
        try:
            with psycopg.connect(
                parts._replace(path="/postgres").geturl(), autocommit=True
            ) as conn:
                exists = conn.execute(
                    "select 1 from pg_database where datname = 'shop_cluster'"
                ).fetchone()
                if exists and fresh:
                    conn.execute("drop database shop_cluster with (force)")
                if fresh or not exists:
                    conn.execute("create database shop_cluster")
            return parts._replace(path="/shop_cluster").geturl()
        except psycopg.OperationalError:
            continue
    raise SystemExit("No PostgreSQL on 127.0.0.1:5432 (start it, or set DATABASE_URL)")


def _redis_url() -> str:
    """CLUSTER_REDIS_URL, else database 3 of REDIS_URL's Redis (the local one by default):
    never the database of `make run` or the tests."""
    import urllib.parse

    if os.environ.get("CLUSTER_REDIS_URL"):
        return os.environ["CLUSTER_REDIS_URL"]
    parts = urllib.parse.urlparse(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return parts._replace(path="/3").geturl()


def environment() -> dict[str, str]:
    """What every node and worker runs with: production settings, local services."""
    inherited = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {
        # Bytecode kept, as on a deployed machine: a restarted node does not compile the
        # shop's code again (some shells here turn that off).
        **inherited,
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DEBUG": "0",
        "SECRET_KEY": "cluster-only-" + "k" * 40,
        "DATABASE_URL": _database_url(),
        "REDIS_URL": _redis_url(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{LB},http://localhost:{LB}",
        "SHOP_URL": "https://shop.cluster.test",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "TRUST_X_FORWARDED_PROTO": "1",
        # The load test's buyers all come from 127.0.0.1 and share a few gift cards.
        "GIFT_CARD_LOOKUP_RATE": "1000000/h",
        "STRIPE_SECRET_KEY": "sk_test_emulator",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_emulator",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_API_BASE": f"http://127.0.0.1:{STRIPE}",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{S3}",
        # The images' URLs as a CDN's would be: built by string, not by boto3 for each one.
        "AWS_S3_CUSTOM_DOMAIN": f"127.0.0.1:{S3}/{BUCKET}",
        "AWS_S3_URL_PROTOCOL": "http:",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "cluster",
        "AWS_SECRET_ACCESS_KEY": "cluster",
        # Every email written to a file: the load test counts what was really sent.
        "EMAIL_URL": f"file://{RUN / 'mail'}",
        "LOG_FORMAT": "json",
        "PYTHONUNBUFFERED": "1",
    }


def _wait_port(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing answered on port {port}; see {RUN}/*.log")


def _wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} never became ready; see {RUN}/*.log")


def _state() -> dict:
    return json.loads(STATE.read_text()) if STATE.exists() else {}


def _save(state: dict) -> None:
    STATE.write_text(json.dumps(state, indent=2))


COMMANDS = {
    "s3": lambda: [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(S3)],
    "stripe": lambda: [
        PYTHON, "-m", "payments.emulator", "--port", str(STRIPE),
        "--webhook-url", f"http://127.0.0.1:{LB}/payments/stripe/webhook/",
        "--webhook-secret", WEBHOOK_SECRET,
    ],
    "web1": lambda: [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "shop.wsgi"],
    "web2": lambda: [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "shop.wsgi"],
    "worker1": lambda: [
        PYTHON, "-m", "celery", "-A", "worker", "worker", "-n", "worker1@%h",
        "--concurrency", "2", "--loglevel", "INFO",
    ],
    "worker2": lambda: [
        PYTHON, "-m", "celery", "-A", "worker", "worker", "-n", "worker2@%h",
        "--concurrency", "2", "--loglevel", "INFO",
    ],
    "beat": lambda: [
        PYTHON, "-m", "celery", "-A", "worker", "beat", "--loglevel", "INFO",
        "-s", str(RUN / "beat-schedule"),
    ],
    "nginx": lambda: [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(RUN / "nginx.conf")],
}  # fmt: skip


BACKGROUND = ("worker1", "worker2", "beat")
BACKGROUND_NICENESS = 10


def _extra_env(name: str) -> dict[str, str]:
    if name in ("web1", "web2"):
        port = WEB1 if name == "web1" else WEB2
        return {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": os.environ.get("CLUSTER_WEB_WORKERS", "3"),
            "GUNICORN_THREADS": os.environ.get("CLUSTER_WEB_THREADS", "1"),
            "PROMETHEUS_MULTIPROC_DIR": str(RUN / f"metrics-{name}"),
            "GUNICORN_ACCESSLOG": str(RUN / f"{name}-access.log"),
        }
    if name.startswith("worker"):
        return {"PROMETHEUS_MULTIPROC_DIR": str(RUN / f"metrics-{name}")}
    return {}


def launch(name: str, env: dict[str, str]) -> int:
    log = (RUN / f"{name}.log").open("ab")
    extra = _extra_env(name)
    if "PROMETHEUS_MULTIPROC_DIR" in extra:
        Path(extra["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        COMMANDS[name](),
        cwd=ROOT,
        env={**env, **extra},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill takes its children too
        # On one machine the background work yields the CPU to shoppers' requests (emails
        # wait a moment, pages do not); on machines of their own it makes no difference.
        preexec_fn=(lambda: os.nice(BACKGROUND_NICENESS)) if name in BACKGROUND else None,
    )
    state = _state()
    state[name] = process.pid
    _save(state)
    return process.pid


def _render_nginx() -> None:
    template = (ROOT / "deploy" / "nginx.conf").read_text()
    for folder in ("nginx-body", "nginx-proxy", "nginx-fastcgi", "nginx-uwsgi", "nginx-scgi"):
        (RUN / folder).mkdir(exist_ok=True)
    text = (
        template.replace("{user}", "user root;" if os.geteuid() == 0 else "")
        .replace("{run_dir}", str(RUN))
        .replace("{node1}", f"127.0.0.1:{WEB1}")
        .replace("{node2}", f"127.0.0.1:{WEB2}")
        .replace("{listen}", f"127.0.0.1:{LB}")
    )
    (RUN / "nginx.conf").write_text(text)


def _ensure_nginx() -> None:
    if shutil.which("nginx") or Path("/usr/sbin/nginx").exists():
        return
    print("Installing nginx (Debian's package)...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx-light"], check=True, env=env)


def _bucket(env: dict[str, str]) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        region_name="us-east-1",
        aws_access_key_id="cluster",
        aws_secret_access_key="cluster",
    )
    existing = {b["Name"] for b in client.list_buckets().get("Buckets", [])}
    if BUCKET not in existing:
        client.create_bucket(Bucket=BUCKET)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }  # fmt: skip
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))


def _flush_redis(url: str) -> None:
    """The cluster's Redis database starts empty too (its sessions, cache and queue)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def start(*, photos: bool = True) -> None:
    if _state():
        stop()
    RUN.mkdir(parents=True, exist_ok=True)
    _ensure_nginx()
    _database_url(fresh=True)
    env = environment()
    _flush_redis(env["REDIS_URL"])
    shutil.rmtree(RUN / "mail", ignore_errors=True)
    launch("s3", env)
    _wait_port(S3)
    _bucket(env)
    launch("stripe", env)
    _wait_port(STRIPE)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "load_demo", "-v0", *([] if photos else ["--no-images"]))
    for name in ("web1", "web2"):
        launch(name, env)
    _wait_ready(f"http://127.0.0.1:{WEB1}/readyz")
    _wait_ready(f"http://127.0.0.1:{WEB2}/readyz")
    _render_nginx()
    launch("nginx", env)
    _wait_ready(f"http://127.0.0.1:{LB}/healthz")
    for name in ("worker1", "worker2", "beat"):
        launch(name, env)
    print(
        f"The cluster is up: http://127.0.0.1:{LB}/ (nginx) -> :{WEB1}, :{WEB2}; "
        f"Stripe emulator :{STRIPE}, S3 :{S3}; two workers and beat. "
        f"Logs in {RUN.relative_to(ROOT)}/. `make cluster-stop` stops it."
    )


def kill(name: str, sig: int = signal.SIGKILL) -> None:
    pid = _state().get(name)
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def revive(name: str) -> None:
    launch(name, environment())
    if name in ("web1", "web2"):
        _wait_ready(f"http://127.0.0.1:{WEB1 if name == 'web1' else WEB2}/readyz")


def stop() -> None:
    state = _state()
    order = ["nginx", "web1", "web2", "worker1", "worker2", "beat", "stripe", "s3"]
    for name in order + [n for n in state if n not in order]:
        kill(name, signal.SIGTERM)
    deadline = time.monotonic() + 15
    for name in state:
        while time.monotonic() < deadline:
            try:
                os.killpg(state[name], 0)
            except ProcessLookupError:
                break
            time.sleep(0.2)
        else:
            kill(name, signal.SIGKILL)
    if STATE.exists():
        STATE.unlink()
    print("The cluster is stopped.")


def main(argv: list[str]) -> None:
    command = argv[1] if len(argv) > 1 else "start"
    if command == "start":
        start(photos="--no-photos" not in argv[2:])
    elif command == "stop":
        stop()
    elif command == "kill":
        kill(argv[2])
    elif command == "revive":
        revive(argv[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
