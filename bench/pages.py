"""How fast the shop's pages render, run by hand (never by the test suite).

    DEBUG=1 .venv/bin/python bench/pages.py [--requests 200]

Uses the configured database (SQLite by default, or DATABASE_URL), loads the demo catalog if
it is missing, and renders each page in-process through Django's test client, printing the
median and 95th percentile time and the queries per request.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from shop.catalog.models import Product, Variant  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Product.objects.exists():
        call_command("load_demo", verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    variant = Variant.objects.filter(stock_on_hand__gt=5).first()
    client.post("/cart/add/", {"variant": variant.pk, "quantity": 1})
    product = Product.objects.filter(is_published=True).first()
    pages = {
        "home": "/",
        "category": f"/c/{product.category.slug}/",
        "product": f"/p/{product.slug}/",
        "search": "/search/?q=coffee",
        "cart": "/cart/",
    }
    print(f"{connection.vendor}, {Product.objects.count()} products, {args.requests} requests each")
    print(f"{'page':<10}{'median ms':>10}{'p95 ms':>10}{'req/s':>8}{'queries':>9}")
    for name, url in pages.items():
        assert client.get(url).status_code == 200, url  # warm up
        connection.queries_log.clear()  # a full log (DEBUG keeps 9000) would count nothing
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        timings = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings.sort()
        median = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"{name:<10}{median:>10.2f}{p95:>10.2f}{1000 / median:>8.0f}{len(queries):>9}")


if __name__ == "__main__":
    main()
