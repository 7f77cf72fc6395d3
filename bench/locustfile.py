"""The load test's shoppers (Locust): run by bench/loadtest.py against the cluster's nginx.

Browsers look at the home page, categories, products and search. Buyers check out as guests
and pay through the Stripe emulator (the calls our Stripe.js stand-in makes), one checkout
every PACE seconds each, some of them (HOT_SHARE) on a few hot products whose stock runs out
during the run (then they buy something else). A checkout refused for want of stock is the
shop working, not an error.

The users are Locust's FastHttpUser (geventhttpclient): on a machine that also runs the whole
cluster, the load tool's own CPU is kept small. Redirects are not followed, so each page after a
form is its own step.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from urllib.parse import urlencode

from locust import between, constant_pacing, task
from locust.contrib.fasthttp import FastHttpUser

PACE = float(os.environ.get("LOADTEST_PACE", "18"))
HOT_SHARE = float(os.environ.get("LOADTEST_HOT_SHARE", "0.15"))
HOT = [s for s in os.environ.get("LOADTEST_HOT", "").split(",") if s]
PRODUCTS = [s for s in os.environ.get("LOADTEST_PRODUCTS", "").split(",") if s]
# Codes of the few gift cards the run shares (bench/loadtest.py); GIFT_SHARE of the buyers
# apply one at review, racing for its balance.
GIFT_CARDS = [s for s in os.environ.get("LOADTEST_GIFT_CARDS", "").split(",") if s]
GIFT_SHARE = float(os.environ.get("LOADTEST_GIFT_SHARE", "0.25"))
SEARCHES = ["mug", "hoodie", "wool", "coffee", "bag", "linen", "bottle", "tee", "notebook"]
CATEGORIES = ["clothing", "home-kitchen", "outdoors", "stationery", "bags-accessories", "pantry"]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIELD = re.compile(r'name="(product|variant|checkout_token)" value="([^"]*)"')
SHIPPING = re.compile(r'name="shipping_method" value="(\d+)"')
SECRET = re.compile(r'data-client-secret="([^"]+)"')
PAY_CSRF = re.compile(r'data-csrf-token="([^"]+)"')
NUMBER = re.compile(r"/payments/orders/([A-Z0-9]+)/pay/")


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Browser(FastHttpUser):
    weight = int(os.environ.get("LOADTEST_BROWSERS_WEIGHT", "1"))
    wait_time = between(1, 3)

    @task(3)
    def home(self):
        self.client.get("/", name="home")

    @task(3)
    def category(self):
        self.client.get(f"/c/{random.choice(CATEGORIES)}/", name="category")

    @task(4)
    def product(self):
        self.client.get(f"/p/{random.choice(PRODUCTS)}/", name="product")

    @task(2)
    def search(self):
        self.client.get(f"/search/?q={random.choice(SEARCHES)}", name="search")


class Buyer(FastHttpUser):
    weight = int(os.environ.get("LOADTEST_BUYERS_WEIGHT", "1"))
    wait_time = constant_pacing(PACE)

    @task
    def buy(self):
        self.client.cookiejar.clear()  # a new guest every time
        slug = (
            random.choice(HOT) if HOT and random.random() < HOT_SHARE else random.choice(PRODUCTS)
        )
        for _attempt in range(3):
            if self.add_to_cart(slug):
                break
            # Sold out (the page offers nothing, or the cart refused the last unit): the
            # shopper buys something else instead, so buyers keep checking out at the rate
            # asked, before and after the hot products are gone.
            slug = random.choice([p for p in PRODUCTS if p not in HOT] or PRODUCTS)
        else:
            return
        self.client.get("/cart/", name="cart")
        page = self.client.get("/checkout/", name="checkout")
        shipping = SHIPPING.search(page.text)
        token = CSRF.search(page.text)
        if not shipping or not token:
            return
        details = self.post(
            "/checkout/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "email": f"load-{random.getrandbits(48):x}@example.com",
                "name": "Load Tester",
                "line1": "1 Test Street",
                "city": "London",
                "postcode": "SW1A 1AA",
                "country": "GB",
                "shipping_method": shipping.group(1),
            },
            name="checkout details",
        )
        if "/checkout/review/" not in details:
            return
        review = self.client.get("/checkout/review/", name="review")
        if GIFT_CARDS and random.random() < GIFT_SHARE:
            token = CSRF.search(review.text)
            if token:
                self.post(
                    "/checkout/gift-cards/",
                    {
                        "csrfmiddlewaretoken": token.group(1),
                        "code": random.choice(GIFT_CARDS),
                        "next": "/checkout/review/",
                    },
                    name="apply gift card",
                )
                review = self.client.get("/checkout/review/", name="review")
        review_fields = dict(FIELD.findall(review.text))
        token = CSRF.search(review.text)
        if "checkout_token" not in review_fields or not token:
            return
        placed = self.post(
            "/checkout/review/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "checkout_token": review_fields["checkout_token"],
            },
            name="place order",
        )
        number = NUMBER.search(placed)
        if number is None:  # sold out while checking out: told so on the cart
            return
        pay = self.client.get(placed, name="pay page")
        secret, pay_csrf = SECRET.search(pay.text), PAY_CSRF.search(pay.text)
        if not secret or not pay_csrf:
            return
        self.client.post(
            "/payments/emulator/confirm/",
            data=json.dumps(
                {
                    "client_secret": secret.group(1),
                    "number": "4242424242424242",
                    "exp_month": 12,
                    "exp_year": 2034,
                    "cvc": "123",
                }
            ),
            headers={"Content-Type": "application/json", "X-CSRFToken": pay_csrf.group(1)},
            name="pay (Stripe)",
        )
        # Where Stripe.js sends the shopper back: the shop asks Stripe (the webhook may be
        # faster, or lost with a killed node), then shows the order.
        intent = secret.group(1).split("_secret_")[0]
        self.client.get(
            f"/payments/orders/{number.group(1)}/return/?payment_intent={intent}",
            name="return from Stripe",
            allow_redirects=False,
        )
        order = self.client.get(f"/orders/{number.group(1)}/", name="order page")
        deadline = time.monotonic() + 10
        while 'data-testid="order-status">Paid' not in order.text and time.monotonic() < deadline:
            time.sleep(1)
            order = self.client.get(f"/orders/{number.group(1)}/", name="order page")

    def add_to_cart(self, slug: str) -> bool:
        """One of the product's variants into the cart: False when it is sold out."""
        page = self.client.get(f"/p/{slug}/", name="product")
        fields = dict(FIELD.findall(page.text))
        csrf = CSRF.search(page.text)
        if not csrf or "variant" not in fields:
            return False  # sold out: the page offers nothing to add
        added = self.post(
            "/cart/add/",
            {
                "csrfmiddlewaretoken": csrf.group(1),
                "product": fields["product"],
                "variant": fields["variant"],
                "quantity": "1",
                "next": f"/p/{slug}/",
            },
            name="add to cart",
        )
        return "/cart/" in added  # refused (sold out since): back to the product

    def post(self, path: str, fields: dict, *, name: str) -> str:
        """POST a form without following its redirect: where it sends the shopper ("" when it
        answers with a page, as a form with errors does)."""
        response = self.client.post(
            path, data=urlencode(fields), headers=FORM, name=name, allow_redirects=False
        )
        return response.headers.get("location", "") if response.status_code == 302 else ""
