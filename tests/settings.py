"""Settings for the test suite: the shop's one settings module, with a test environment.

pytest-django imports this before any conftest runs, so the variables are set here.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SHOP_URL", "https://shop.test")
os.environ.setdefault("SESSION_COOKIE_SECURE", "0")
os.environ.setdefault("CSRF_COOKIE_SECURE", "0")
# Nothing listens here: the stripe_emulator fixture points the suite at its own emulator.
os.environ.setdefault("STRIPE_API_BASE", "http://127.0.0.1:9")
# Playwright's sync API runs an event loop in the test thread; the ORM calls there are ours.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from shop.settings import *  # noqa: F403
from shop.settings import REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="shop-test-media-")
# Tasks run in-process unless a test starts a real worker (tests/worker/test_real_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
# A queue per pytest-xdist worker (gw0, gw1...) unless a test names its own.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get(
    "SHOP_TEST_QUEUE", f"shop-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
)
# Per-process caches keep rate limits and sessions from leaking between runs.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Pages render afresh unless a test turns the catalog cache on (tests/catalog/test_cache.py).
CATALOG_CACHE = False
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not memory: the live server's thread then has its own connection, as it would
    # against PostgreSQL, instead of sharing the test thread's.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"shop-test-{os.getpid()}.sqlite3")
    }

# For the worker tests' subprocesses: a slow mailer to kill a worker mid-send, and a short
# Redis visibility timeout so the killed worker's task is delivered again within seconds.
if os.environ.get("SHOP_TEST_MAIL_DELAY"):
    EMAIL_BACKEND = "tests.slow_mail.SlowFileBackend"
if os.environ.get("SHOP_TEST_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["SHOP_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

# The API's throttles out of the way, but for the tests that lower them (tests/api/).
API_THROTTLE_PER_IP = "100000/m"
API_THROTTLE_PER_USER = "100000/m"
