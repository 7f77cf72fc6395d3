"""The layers of DESIGN.md are held by import-linter (`.importlinter`, run by `make lint`).

A layers contract checks only the modules it names, so a new module of the shop that no
layer names would escape it: these tests keep every module in a layer, and the contract kept.
"""

import configparser
import importlib.util
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "shop",
    "accounts",
    "orders",
    "payments",
    "reminders",
    "reviews",
    "wishlists",
    "worker",
    "promotions",
    "giftcards",
    "returns",
]


def _layers() -> list[set[str]]:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    raw = config["importlinter:contract:layers"]["layers"]
    return [
        {name.strip() for name in line.replace("|", ":").split(":") if name.strip()}
        for line in raw.strip().splitlines()
    ]


def _modules(package: str) -> list[str]:
    """The modules of a package, leaves only (a package's __init__ belongs to its modules)."""
    found = []
    path = ROOT.joinpath(*package.split("."))
    for info in pkgutil.iter_modules([str(path)]):
        name = f"{package}.{info.name}"
        found += _modules(name) if info.ispkg else [name]
    return found


def test_every_module_of_the_shop_is_in_a_layer():
    named = set().union(*_layers())
    outside = [
        module
        for app in APPS
        for module in _modules(app)
        if not any(module == n or module.startswith(n + ".") for n in named)
    ]
    assert outside == []


def test_the_worker_is_imported_by_the_site_alone():
    layers = _layers()
    assert layers[1] == {"worker"}
    assert "shop.urls" in layers[0] and "shop.api.main" in layers[0]


@pytest.mark.skipif(importlib.util.find_spec("importlinter") is None, reason="make install")
def test_the_layers_contract_is_kept():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    result = subprocess.run(
        [lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]


def test_each_app_the_api_exposes_has_its_api_beside_its_views():
    """The site mounts the apps' own routers (shop/api/main.py); shop/api/ keeps only the kit."""
    from shop.api.main import api

    apps = [
        "shop.catalog",
        "shop.cart",
        "giftcards",
        "orders",
        "payments",
        "accounts",
        "reminders",
        "returns",
        "reviews",
        "wishlists",
    ]
    for app in apps:
        assert (ROOT.joinpath(*app.split(".")) / "api.py").exists(), app
        assert (ROOT.joinpath(*app.split(".")) / "views.py").exists(), app
    owners = {
        op.view_func.__module__
        for _, router in api._routers
        for path_view in router.path_operations.values()
        for op in path_view.operations
    }
    assert owners == {f"{app}.api" for app in apps}
    kit = {p.stem for p in (ROOT / "shop" / "api").glob("*.py")}
    assert kit == {"__init__", "auth", "docs", "errors", "main", "schemas", "throttles"}
