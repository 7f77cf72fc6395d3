"""A production install starts: the shop installed as a container image or a buildpack would
(`pip install .`, the runtime dependencies only, no demo or dev extra) passes
`manage.py check --deploy` with production settings. Nothing from the test tools may be what
makes it work (PyYAML once came only through one of them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.install

# What a checkout on a server does not have: this machine's environments, data and caches.
LOCAL_ONLY = [".git", ".venv", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis",
              "media", "var", "staticfiles", "test-artifacts", "db.sqlite3*"]  # fmt: skip


def _uv() -> str:
    beside = Path(sys.executable).parent / "uv"
    found = str(beside) if beside.exists() else shutil.which("uv")
    if not found:
        pytest.fail("uv is needed (it is in the dev extra: make install)")
    return found


def _production_environment(tmp_path: Path) -> dict[str, str]:
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith("postgres"):
        database = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "shop.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" + "7Vq2-pX9zR4mW8tL1nB6cY3hJ5fD0gS_aE" * 2,
        "SHOP_URL": "https://shop.example.com",
        "ALLOWED_HOSTS": "shop.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://shop.example.com",
        "DATABASE_URL": database,
        "STRIPE_SECRET_KEY": "sk_test_51Qx" + "a" * 90,
        "STRIPE_PUBLISHABLE_KEY": "pk_test_51Qx" + "b" * 90,
        "STRIPE_WEBHOOK_SECRET": "whsec_" + "c" * 32,
    }
    if os.environ.get("REDIS_URL"):
        environment["REDIS_URL"] = os.environ["REDIS_URL"]
    return environment


def test_the_runtime_dependencies_alone_pass_check_deploy(tmp_path):
    uv = _uv()
    venv = tmp_path / "venv"
    python = venv / "bin" / "python"
    uv_env = dict(os.environ)  # its cache, certificates and proxies
    subprocess.run(
        [uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, env=uv_env
    )
    # A copy of the checkout (building writes build/ beside the sources), then a real
    # resolution of pyproject.toml's dependencies, as `pip install .` does.
    source = tmp_path / "shop"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LOCAL_ONLY))
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(python), str(source)],
        check=True,
        env=uv_env,
        timeout=600,
    )
    installed = subprocess.run(
        [uv, "pip", "list", "--python", str(python)], capture_output=True, text=True, env=uv_env
    ).stdout.lower()
    assert "pytest" not in installed and "localstripe" not in installed  # runtime only

    result = subprocess.run(
        [str(python), "manage.py", "check", "--deploy", "--database", "default", "--fail-level",
         "WARNING"],
        cwd=source,
        env=_production_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
