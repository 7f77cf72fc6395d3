"""The one settings module, driven by the environment, as a production shop would run it."""

import os
import subprocess
import sys

from tests.conftest import ROOT

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "shop.settings",
    "DEBUG": "0",
    "SECRET_KEY": "x" * 60 + "production-like-secret-key-with-enough-entropy",
    "ALLOWED_HOSTS": "shop.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
    "STRIPE_SECRET_KEY": "sk_test_abc",
    "STRIPE_PUBLISHABLE_KEY": "pk_test_abc",
    "STRIPE_WEBHOOK_SECRET": "whsec_abc",
    "SHOP_URL": "https://shop.example.com",
}


SHOP_VARIABLES = (
    "STRIPE_", "SECURE_", "SESSION_", "CSRF_", "DEBUG", "SECRET", "DJANGO_", "DATABASE_",
    "REDIS_", "EMAIL_", "SHOP_", "RESERVATION_", "ADMIN_URL", "ALLOWED_HOSTS",
    "DEFAULT_FROM_EMAIL", "MEDIA_ROOT", "LOG_LEVEL",
)  # fmt: skip


def _manage(*args, **env):
    """Run manage.py with only the given shop variables (CI's DATABASE_URL etc. removed)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(SHOP_VARIABLES)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_debug_off_without_a_secret_key_refuses_to_start():
    env = {**PRODUCTION}
    del env["SECRET_KEY"]
    result = _manage("check", **env)
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


def test_debug_off_without_an_https_shop_url_refuses_to_start():
    for url in ("", "http://shop.example.com"):
        result = _manage("check", **{**PRODUCTION, "SHOP_URL": url})
        assert result.returncode != 0 and "SHOP_URL must be set" in result.stderr


def test_live_keys_are_refused_with_the_emulator():
    result = _manage(
        "check",
        **{
            **PRODUCTION,
            "STRIPE_SECRET_KEY": "sk_live_abc",
            "STRIPE_API_BASE": "http://127.0.0.1:8420",
        },
    )
    assert result.returncode != 0 and "Live Stripe keys cannot be used" in result.stderr


def test_the_api_base_can_only_be_a_local_emulator():
    result = _manage("check", **{**PRODUCTION, "STRIPE_API_BASE": "http://evil.example.com"})
    assert result.returncode != 0 and "local emulator" in result.stderr


def test_nothing_set_means_the_embedded_shop():
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings as s; print("
        "s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.STRIPE_EMULATED, s.EMAIL_BACKEND, s.RESERVATION_MINUTES)",
        DJANGO_SETTINGS_MODULE="shop.settings",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-5:] == [
        "django.db.backends.sqlite3",
        "True",
        "True",
        "shop.dev_emails.DevEmailBackend",
        "15",
    ]
