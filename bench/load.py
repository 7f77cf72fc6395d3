"""The shop under load: pages served by gunicorn, measured with wrk, beside a view that
touches no database, in one run. Run by hand (`make bench`), never by the test suite.

    make bench                          # 2,000 products
    make bench PRODUCTS=20000           # 20,000
    BENCH_SECONDS=15 BENCH_CONNECTIONS=16 make bench

It uses DATABASE_URL (PostgreSQL; default postgres://postgres@127.0.0.1:5432/shop_bench,
created if missing) and REDIS_URL when set (then catalog pages come from the cache), loads
the benchmark catalog (bench/catalog.py), starts gunicorn with 2 sync workers, DEBUG off and
persistent connections, and runs `wrk -t2 -c16 -d15s --latency` against each page: home,
category, product, search (rotating queries), cart, add to cart (POST, rotating sessions),
the checkout's details form, its review, the payment page and the order page (each with a
shopper of its own, as far along; the payment page asks the Stripe emulator the bench starts)
and /healthz. It prints each page's requests per second, p50, p99, share of /healthz and the
SQL queries it runs for its shopper.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/shop_bench"


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("select 1 from pg_database where datname = %s", [name]).fetchone():
            conn.execute(f'create database "{name}"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit(f"the Stripe emulator did not listen on {port}")


def _wait(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the shop did not answer at {url}")


def _session(
    base: str, variant_id: int, product_id: int, lines: int = 0, stage: str = "cart"
) -> tuple[str, str, str]:
    """A shopper's cookies, CSRF token and the page they are on: `lines` items in the cart,
    then as far as `stage` goes: "cart", "details" (the checkout's form, empty), "review"
    (details given), "pay" (the order placed: its payment page), "order" (its page)."""
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    opener.open(f"{base}/p/bench-0/").read()
    token = next(c.value for c in jar.cookiejar if c.name == "csrftoken")

    def post(path: str, fields: dict) -> str:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        with opener.open(f"{base}{path}", data=body) as response:
            response.read()
            return urllib.parse.urlparse(response.url).path  # where it redirected

    for offset in range(lines):
        post("/cart/add/", {"variant": variant_id + offset, "quantity": 1})
    page = "/cart/"
    if stage != "cart":
        page = "/checkout/"
    if stage in ("review", "pay", "order"):
        form = opener.open(f"{base}/checkout/").read().decode()
        method = re.search(r'name="shipping_method" value="(\d+)"', form).group(1)
        page = post(
            "/checkout/",
            {
                "email": "bench@example.com", "name": "Bench Shopper", "line1": "1 Main St",
                "city": "Springfield", "postcode": "62701", "region": "US-IL", "country": "US",
                "shipping_method": method,
            },
        )  # fmt: skip
    if stage in ("pay", "order"):
        review = opener.open(f"{base}/checkout/review/").read().decode()
        checkout_token = re.search(r'name="checkout_token" value="([0-9a-f]+)"', review).group(1)
        page = post("/checkout/review/", {"checkout_token": checkout_token})
    if stage == "order":
        number = re.search(r"/orders/([^/]+)/pay/", page).group(1)
        page = f"/orders/{number}/"
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar.cookiejar)
    return cookies, token, page


LUA_ROTATE = """
paths = {%s}
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""
LUA_ADD = """
sessions = {%s}
i = 0
request = function()
  i = i + 1
  local s = sessions[(i %% #sessions) + 1]
  return wrk.format("POST", "/cart/add/", {
    ["Cookie"] = s[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "variant=%d&quantity=1&csrfmiddlewaretoken=" .. s[2])
end
"""
LUA_COOKIE = """
wrk.headers["Cookie"] = "%s"
"""


def _lua(text: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(text)
    return handle.name


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def _wrk(url: str, *, seconds: int, connections: int, script: str | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"\s50%\s+(\S+)", output).group(1))
    p99 = _ms(re.search(r"\s99%\s+(\S+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non_2xx_3xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=int(os.environ.get("PRODUCTS", 2000)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 15)))
    parser.add_argument(
        "--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", 16))
    )
    parser.add_argument("--skip-load", action="store_true", help="reuse the loaded catalog")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")

    database = os.environ.get("DATABASE_URL") or DEFAULT_DB
    if not database.startswith("postgres"):
        raise SystemExit("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
    _ensure_database(database)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "SHOP_URL": "https://bench.example.com",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }
    # The payment page asks Stripe for the order's PaymentIntent: the local emulator answers.
    stripe_port = _free_port()
    env["STRIPE_API_BASE"] = f"http://127.0.0.1:{stripe_port}"
    emulator = subprocess.Popen(
        [sys.executable, "-m", "payments.emulator", "--port", str(stripe_port), "--quiet"],
        cwd=ROOT,
        env=env,
    )
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    if not args.skip_load:
        started = time.monotonic()
        subprocess.run(
            [python, "bench/catalog.py", "--products", str(args.products)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        print(f"Loaded {args.products} products in {time.monotonic() - started:.0f}s")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(python).parent / "gunicorn"),
            "shop.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        _wait(f"{base}/healthz")
        _wait_for_port(stripe_port)
        ids = json.loads(
            subprocess.run(
                [
                    python,
                    "manage.py",
                    "shell",
                    "-c",
                    "import json; from shop.catalog.models import Variant as V; "
                    "v = V.objects.filter(product__slug='bench-1').order_by('pk')"
                    ".values('pk', 'product_id')[0]; "
                    "print(json.dumps(v))",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        category = "/c/bench-kitchen/"
        searches = ", ".join(
            json.dumps("/search/?q=" + urllib.parse.quote(q)) for q in _search_paths()
        )
        shoppers = {
            stage: _session(base, ids["pk"], ids["product_id"], lines=2, stage=stage)
            for stage in ("cart", "details", "review", "pay", "order")
        }
        sessions = [_session(base, ids["pk"], ids["product_id"]) for _ in range(20)]
        add_script = _lua(
            LUA_ADD
            % (
                ", ".join(f"{{{json.dumps(c)}, {json.dumps(t)}}}" for c, t, _ in sessions),
                ids["pk"],
            )
        )

        def shopper(stage: str) -> tuple[str, str]:
            cookies, _token, page = shoppers[stage]
            return page, _lua(LUA_COOKIE % cookies)

        pages = [
            ("no-database view (/healthz)", "/healthz", None),
            ("home (8 newest)", "/", None),
            ("category (12 of ~330, filters)", category, None),
            ("product", "/p/bench-7/", None),
            ("search (24 rotating queries)", "/", _lua(LUA_ROTATE % searches)),
            ("cart (2 lines)", *shopper("cart")),
            ("add to cart (POST, 20 sessions)", "/", add_script),
            ("checkout: details form", *shopper("details")),
            ("checkout: review", *shopper("review")),
            ("payment page", *shopper("pay")),
            ("order page (unpaid)", *shopper("order")),
        ]
        queries = _query_counts(env, pages, shoppers)
        for _, path, script in pages:  # warm the workers, connections and cache
            _wrk(base + path, seconds=2, connections=args.connections, script=script)
        results = []
        for label, path, script in pages:
            figures = _wrk(
                base + path, seconds=args.seconds, connections=args.connections, script=script
            )
            results.append((label, figures))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        emulator.terminate()
        emulator.wait(timeout=10)
    baseline = results[0][1]["rps"]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(
        f"\n{args.products} products, gunicorn 2 sync workers, DEBUG off, "
        f"Redis {'on (catalog cache)' if os.environ.get('REDIS_URL') else 'off'}, "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s, commit {commit}\n"
    )
    print("| page | req/s | p50 ms | p99 ms | share of /healthz | queries | errors |")
    print("|---|---|---|---|---|---|---|")
    for label, f in results:
        errors = f"{f['non_2xx_3xx']} {f['socket_errors']}".strip()
        print(
            f"| {label} | {f['rps']:.0f} | {f['p50']:.1f} | {f['p99']:.1f} | "
            f"{100 * f['rps'] / baseline:.1f} % | {queries.get(label, '')} | {errors} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"commit": commit, "results": results}, indent=2))


def _query_counts(env: dict, pages: list, shoppers: dict) -> dict[str, int]:
    """The SQL queries each page runs for its shopper, counted in a process of its own with
    the server's settings (Django's test client, the shopper's cookies)."""
    cookies = {label: "" for label, _path, _script in pages}
    stages = {
        "cart (2 lines)": "cart",
        "checkout: details form": "details",
        "checkout: review": "review",
        "payment page": "pay",
        "order page (unpaid)": "order",
    }
    for label, stage in stages.items():
        cookies[label] = shoppers[stage][0]
    plan = [
        (label, path if not script or label in stages else "/", cookies[label])
        for label, path, script in pages
        if "POST" not in label and "rotating" not in label
    ]
    code = (
        "import json, sys\n"
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "counts = {}\n"
        "for label, path, cookies in json.loads(sys.argv[1]):\n"
        "    client = Client()\n"
        "    for part in filter(None, cookies.split('; ')):\n"
        "        name, _, value = part.partition('=')\n"
        "        client.cookies[name] = value\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as queries:\n"
        "        client.get(path)\n"
        "    counts[label] = len(queries)\n"
        "print(json.dumps(counts))\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code, json.dumps(plan)],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "shop.settings", "ALLOWED_HOSTS": "*"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _search_paths() -> list[str]:
    from bench.catalog import SEARCHES

    return SEARCHES


if __name__ == "__main__":
    main()
