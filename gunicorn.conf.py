"""gunicorn's settings for the shop: `gunicorn -c gunicorn.conf.py shop.wsgi`.

Every value can be changed from the environment (GUNICORN_*, WEB_CONCURRENCY) without
editing this file; the defaults fit one web node of a few cores behind a load balancer.
"""

import multiprocessing
import os

from gunicorn import glogging

# Where to listen: the load balancer's upstream (nginx in `make cluster`).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: a request is either quick (pages from the cache, small queries) or waits on
# Stripe for under a second; two per core plus one keeps the CPU busy while some wait.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# GUNICORN_THREADS above 1: threaded workers instead (each process serves that many requests at
# once, so one waiting on Stripe or the database does not hold a whole process).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
# The application is loaded (and warmed, shop/wsgi.py) in the master before it listens: a
# node that starts or restarts takes connections only once it can answer them, and its
# workers fork ready, sharing the loaded code.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "")
# A request that takes longer is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On SIGTERM (a deploy, a scale-in) workers finish the requests they have, up to this long.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Longer than the load balancer's idle timeout, so it is the balancer that closes.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Recycle workers now and then (with jitter so they do not all restart at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "500"))

# Several nodes may run on one machine (`make cluster`): no control socket in the home
# directory they would share, and worker heartbeats in memory, not on a shared disk.
control_socket_disable = True
# (gunicorn's own advice: /dev/shm is memory, so a slow disk never makes a worker look dead.)
SHARED_MEMORY = "/dev/shm"  # noqa: S108
worker_tmp_dir = os.environ.get(
    "GUNICORN_WORKER_TMP_DIR", SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
)

# The access log: one line per request with its request id (set by the shop's middleware and
# returned in X-Request-ID), to follow a request into the application's logs.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s "%(a)s"'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")

# Behind a proxy: only these addresses may say the original scheme (X-Forwarded-Proto);
# the shop itself trusts it only when TRUST_X_FORWARDED_PROTO is on (shop/settings.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


# The health checks a load balancer sends every second stay out of the access log.
QUIET_PATHS = ("/healthz", "/readyz")


class Logger(glogging.Logger):
    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO") in QUIET_PATHS and str(resp.status).startswith("200"):
            return
        super().access(resp, req, environ, request_time)


logger_class = Logger


# Metrics from every worker (shop/metrics.py): the folder starts empty with the node, and a
# worker that exits leaves its gauges behind for prometheus-client to drop.
def prepare_metrics_folder() -> None:
    """Make the folder and empty it, once per node.

    This runs as gunicorn reads this file, before it loads the application: with preload_app
    the master imports shop.metrics while it is set up, before any server hook (on_starting
    included) runs, and prometheus-client opens its files in the folder as the metrics are
    created, so a folder made by a hook came too late (FileNotFoundError). The folder is not
    emptied again when gunicorn rereads this file (SIGHUP) or a new master takes over
    (SIGUSR2): the running workers' files are still counted then.
    """
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder or os.environ.get("SHOP_METRICS_FOLDER_PREPARED") == folder:
        return
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.endswith(".db"):
            os.remove(os.path.join(folder, name))
    os.environ["SHOP_METRICS_FOLDER_PREPARED"] = folder


prepare_metrics_folder()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
