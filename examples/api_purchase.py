"""Buy a product through the shop's API alone, as an app would, and pay through the Stripe
emulator of `make run`. Standard library only.

    make run                                   # in one terminal: the shop on :8000
    python examples/api_purchase.py            # in another
    python examples/api_purchase.py --base-url http://127.0.0.1:8000 --email me@example.com

What it does: finds a product in stock (GET /api/v1/products), puts its first variant in a new
guest cart (POST /api/v1/carts), asks what shipping to Great Britain costs, gets the totals
(quote), places the order, starts its payment (the PaymentIntent's client secret and the
publishable key), confirms it with a test card, and waits until the shop says the order is
paid (Stripe's webhook). An app would confirm with Stripe's SDK; against the emulator, the
shop's own stand-in for it does (/payments/emulator/confirm/, a browser endpoint: it wants the
CSRF cookie the pages set). Exits 0 once the order is paid.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import sys
import time
import urllib.error
import urllib.request
import uuid

ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "1 High Street",
    "city": "London",
    "postcode": "SW1A 1AA",
    "country": "GB",
}
TEST_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2034, "cvc": "123"}


class Shop:
    def __init__(self, base_url: str):
        if not base_url.startswith(("http://", "https://")):
            raise SystemExit("The base URL must be http:// or https://")
        self.base = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def call(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(  # noqa: S310 (http or https, checked above)
            f"{self.base}{path}",
            data=data,
            method=method,
            headers={
                "Accept": "application/json",
                "Content-Type": "application/json",
                **(headers or {}),
            },
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as error:
            problems = error.read().decode()
            raise SystemExit(f"{method} {path} answered {error.code}: {problems}") from None
        return json.loads(text) if text else None

    def api(self, method: str, path: str, body: dict | None = None):
        return self.call(method, f"/api/v1{path}", body)

    def csrf_token(self) -> str:
        """The CSRF cookie the shop's pages set (only the emulator's card form needs it)."""
        self.opener.open(f"{self.base}/accounts/login/", timeout=30).close()  # a form
        return next(c.value for c in self.cookies if c.name == "csrftoken")


def buy(base_url: str, email: str) -> dict:
    shop = Shop(base_url)
    listed = shop.api("GET", "/products?in_stock=true&sort=price&page_size=20")
    product = next((p for p in listed["items"] if p["variant_id"]), None)
    if product is None:
        raise SystemExit("No product in stock to buy.")
    print(f"Buying {product['name']} from {product['price_from']['amount']}")

    cart = shop.api("POST", "/carts", {"lines": [{"variant_id": product["variant_id"]}]})
    token = cart["token"]
    shipping = shop.api("GET", f"/carts/{token}/shipping-methods?country=GB")
    method = next(m for m in shipping["methods"] if m["ships"])
    details = {"email": email, "address": ADDRESS, "shipping_method_id": method["id"]}
    quote = shop.api("POST", f"/carts/{token}/quote", details)
    total = quote["totals"]["total"]
    print(f"Shipping by {method['name']}; total {total['amount']} {total['currency']}")

    order = shop.api(
        "POST", f"/carts/{token}/order", {**details, "checkout_token": uuid.uuid4().hex}
    )
    number, key = order["number"], order["key"]
    print(f"Placed order {number} ({order['status']})")

    payment = shop.api("POST", f"/orders/{number}/payment?key={key}")
    confirmed = shop.call(
        "POST",
        "/payments/emulator/confirm/",
        {"client_secret": payment["client_secret"], **TEST_CARD},
        headers={"X-CSRFToken": shop.csrf_token()},
    )
    print(f"Payment {confirmed['id']}: {confirmed['status']}")

    deadline = time.monotonic() + 30
    while True:
        order = shop.api("GET", f"/orders/{number}?key={key}")
        if order["status"] != "pending_payment" or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    print(f"Order {number} is {order['status_text'].lower()}")
    return order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--email", default="api-buyer@example.com")
    args = parser.parse_args()
    order = buy(args.base_url, args.email)
    sys.exit(0 if order["status"] == "paid" else 1)


if __name__ == "__main__":
    main()
