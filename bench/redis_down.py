"""How long the shop's pages take over HTTP, run by hand against a running node (never by
the test suite): with Redis up, stopped, or hung, to see that no request waits on it.

    .venv/bin/python bench/redis_down.py http://127.0.0.1:8321 [--rounds 20]

Each round is one shopper's visit with a fresh cookie jar: the home page, a product, add to
cart (POST), the cart, the sign-in page and a wrong password (POST), the API's product list
and a new API cart, and /readyz. Prints the median and the slowest time of each, and what
/readyz said.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import re
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    base = args.base.rstrip("/")
    products = json.load(urllib.request.urlopen(f"{base}/api/v1/products?page_size=1"))
    slug = products["items"][0]["slug"]
    product = json.load(urllib.request.urlopen(f"{base}/api/v1/products/{slug}"))
    variant = product["variants"][0]["id"]

    times: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

        def visit(name, path, form=None, body=None, _opener=opener, _jar=jar):
            data, headers = None, {}
            if form is not None:
                token = next((c.value for c in _jar if c.name == "csrftoken"), "")
                data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode()
            if body is not None:
                data, headers = json.dumps(body).encode(), {"Content-Type": "application/json"}
            request = urllib.request.Request(f"{base}{path}", data=data, headers=headers)
            started = time.perf_counter()
            try:
                with _opener.open(request, timeout=30) as response:
                    status, text = response.status, response.read().decode()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode()
            times.setdefault(f"{name} ({status})", []).append(time.perf_counter() - started)
            return text

        visit("home", "/")
        visit("product", f"/p/{slug}/")
        visit("add to cart", "/cart/add/", form={"variant": variant, "quantity": 1})
        visit("cart", "/cart/")
        page = visit("sign-in page", "/accounts/login/")
        assert re.search(r"csrfmiddlewaretoken", page)
        visit("sign-in POST", "/accounts/login/", form={"login": "x@example.com", "password": "x"})
        visit("API products", "/api/v1/products")
        visit("API new cart", "/api/v1/carts", body={"lines": [{"variant_id": variant}]})
        ready = visit("readyz", "/readyz")

    for name, values in times.items():
        print(
            f"{name:28} median {statistics.median(values) * 1000:7.1f} ms"
            f"   slowest {max(values) * 1000:7.1f} ms"
        )
    print("readyz said:", ready.strip())


if __name__ == "__main__":
    main()
