"""The load test's shoppers (Locust): run by bench/loadtest.py against the cluster's nginx.

Browsers look at the home page, categories, products and search. Buyers check out as guests
and pay through the Stripe emulator (the calls our Stripe.js stand-in makes), one checkout
every PACE seconds each, some of them (HOT_SHARE) on a few hot products whose stock runs out
during the run. A checkout refused for want of stock is the shop working, not an error.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

from locust import HttpUser, between, constant_pacing, task

PACE = float(os.environ.get("LOADTEST_PACE", "18"))
HOT_SHARE = float(os.environ.get("LOADTEST_HOT_SHARE", "0.15"))
HOT = [s for s in os.environ.get("LOADTEST_HOT", "").split(",") if s]
PRODUCTS = [s for s in os.environ.get("LOADTEST_PRODUCTS", "").split(",") if s]
SEARCHES = ["mug", "hoodie", "wool", "coffee", "bag", "linen", "bottle", "tee", "notebook"]
CATEGORIES = ["clothing", "home-kitchen", "outdoors", "stationery", "bags-accessories", "pantry"]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FIELD = re.compile(r'name="(product|variant|checkout_token)" value="([^"]*)"')
SHIPPING = re.compile(r'name="shipping_method" value="(\d+)"')
SECRET = re.compile(r'data-client-secret="([^"]+)"')
PAY_CSRF = re.compile(r'data-csrf-token="([^"]+)"')
NUMBER = re.compile(r"/payments/orders/([A-Z0-9]+)/pay/")


class Browser(HttpUser):
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


class Buyer(HttpUser):
    weight = int(os.environ.get("LOADTEST_BUYERS_WEIGHT", "1"))
    wait_time = constant_pacing(PACE)

    @task
    def buy(self):
        self.client.cookies.clear()  # a new guest every time
        slug = (
            random.choice(HOT) if HOT and random.random() < HOT_SHARE else random.choice(PRODUCTS)
        )
        page = self.client.get(f"/p/{slug}/", name="product")
        fields = dict(FIELD.findall(page.text))
        csrf = CSRF.search(page.text)
        if not csrf or "variant" not in fields:
            return  # sold out: the page offers nothing to add
        with self.client.post(
            "/cart/add/",
            {
                "csrfmiddlewaretoken": csrf.group(1),
                "product": fields["product"],
                "variant": fields["variant"],
                "quantity": "1",
                "next": f"/p/{slug}/",
            },
            name="add to cart",
            catch_response=True,
        ) as added:
            if "/cart/" not in added.url:  # refused (sold out since): back on the product
                added.success()
                return
        form = self.client.get("/checkout/", name="checkout")
        shipping = SHIPPING.search(form.text)
        token = CSRF.search(form.text)
        if not shipping or not token:
            return
        review = self.client.post(
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
        review_fields = dict(FIELD.findall(review.text))
        token = CSRF.search(review.text)
        if "checkout_token" not in review_fields or not token:
            return
        with self.client.post(
            "/checkout/review/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "checkout_token": review_fields["checkout_token"],
            },
            name="place order",
            catch_response=True,
        ) as placed:
            number = NUMBER.search(placed.url)
            if number is None:  # sold out while checking out: told so on the cart
                placed.success()
                return
            secret, pay_csrf = SECRET.search(placed.text), PAY_CSRF.search(placed.text)
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
        order = self.client.get(
            f"/payments/orders/{number.group(1)}/return/?payment_intent={intent}",
            name="return and order page",
        )
        deadline = time.monotonic() + 10
        while 'data-testid="order-status">Paid' not in order.text and time.monotonic() < deadline:
            time.sleep(1)
            order = self.client.get(f"/orders/{number.group(1)}/", name="order page")
