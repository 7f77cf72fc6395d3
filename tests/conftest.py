"""Fixtures shared by the whole suite: real services (Postgres, Redis, the Stripe emulator)
and small builders for carts, orders and signed Stripe events."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from orders import services as order_services
from shop.cart.models import Cart, CartLine
from tests.factories import ShippingMethodFactory, VariantFactory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# CI sets this: a test that needs a real service fails instead of skipping when it is missing.
REQUIRE_SERVICES = os.environ.get("SHOP_REQUIRE_SERVICES", "") not in ("", "0")
# Browser tests save their screenshots only when asked (SHOP_SCREENSHOTS=1); a failed browser
# test's pages are saved anyway (pytest-playwright's --screenshot=only-on-failure, pyproject).
SCREENSHOTS = os.environ.get("SHOP_SCREENSHOTS", "") not in ("", "0")
# `make test-sqlite` sets this: a test of a path only SQLite takes fails instead of skipping.
REQUIRE_SQLITE = os.environ.get("SHOP_REQUIRE_SQLITE", "") not in ("", "0")


def _missing(what: str) -> None:
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required here (SHOP_REQUIRE_SERVICES is set) but missing")
    pytest.skip(f"needs {what}")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: the catalog's category tree and pages are kept
    there under a version that rows rolled back by the previous test never bumped."""
    from django.core.cache import cache

    from markets.selectors import forget_cached_markets
    from shop.templatetags import layout

    cache.clear()
    forget_cached_markets()  # kept a moment by each process too
    layout.forget()  # the layout kept whole per language, market and URL
    yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the shop's default language: a request to a German page leaves
    its thread in German (LocaleMiddleware activates a language per request and never
    resets it), which would otherwise decide the next test's names and emails."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        _missing("PostgreSQL (set DATABASE_URL=postgres://...)")


@pytest.fixture
def require_sqlite():
    """A path only SQLite takes (the database of `make run`). `make test-sqlite` runs it; on
    PostgreSQL it is skipped with a reason that the summary lists (-ra), never silently."""
    if connection.vendor != "sqlite":
        if REQUIRE_SQLITE:
            pytest.fail("SQLite is required here (SHOP_REQUIRE_SQLITE is set)")
        pytest.skip("SQLite only: `make test-sqlite` runs it (DATABASE_URL unset)")


# The kinds of test that take seconds each (a browser, a walk over every URL, a real worker or
# virtualenv): run first, so that pytest-xdist's workers end together instead of one of them
# finishing a long walk alone at the end.
SLOW_FIRST = ("browser", "fuzz", "worker", "install", "cluster")


def pytest_collection_modifyitems(items):
    """A test that needs SQLite is in the SQLite pass (`make test-sqlite`, marker `sqlite`);
    the slow kinds of test first (the order within each kind kept)."""
    for item in items:
        if "require_sqlite" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.sqlite)
    items.sort(key=lambda item: not any(item.get_closest_marker(m) for m in SLOW_FIRST))


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        _missing("Redis (set REDIS_URL=redis://...)")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        _missing(f"Redis at {url} ({error})")
    return url


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@pytest.fixture(scope="session")
def object_storage():
    """A local S3 endpoint (moto's server) on a free port for the session: an empty bucket
    and the settings that put the shop's media in it (see shop/settings.py)."""
    import boto3

    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS.joinpath("s3.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
        endpoint = f"http://127.0.0.1:{port}"
        credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
        client.create_bucket(Bucket="shop-media")
        # Product images are public, as a shop's bucket (or its CDN) serves them.
        public_read = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::shop-media/*",
                }
            ],
        }
        client.put_bucket_policy(Bucket="shop-media", Policy=json.dumps(public_read))
        yield {
            "endpoint": endpoint,
            "bucket": "shop-media",
            "client": client,
            "storage": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": "shop-media",
                    "endpoint_url": endpoint,
                    "region_name": "us-east-1",
                    "access_key": "test",
                    "secret_key": "test",
                    "location": "media",
                    "querystring_auth": False,
                    "file_overwrite": False,
                    "default_acl": None,
                },
            },
        }
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def stripe_emulator():
    """A fresh localstripe on a free port for the whole session; the shop talks to it."""
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS.joinpath("localstripe.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "payments.emulator", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port)
        base = f"http://127.0.0.1:{port}"
        previous = django_settings.STRIPE_API_BASE
        django_settings.STRIPE_API_BASE = base
        yield base
        django_settings.STRIPE_API_BASE = previous
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def _register_webhook(base: str, url: str) -> None:
    body = urllib.parse.urlencode({"url": url, "secret": django_settings.STRIPE_WEBHOOK_SECRET})
    urllib.request.urlopen(f"{base}/_config/webhooks/shop", data=body.encode(), timeout=5).close()


@pytest.fixture
def stripe_webhooks(stripe_emulator, live_server, transactional_db):
    """The emulator delivers its signed webhooks to the live server during this test."""
    _register_webhook(stripe_emulator, f"{live_server.url}/payments/stripe/webhook/")
    yield live_server
    _register_webhook(stripe_emulator, "http://127.0.0.1:9/nowhere/")


@pytest.fixture
def shipping_method(db):
    return ShippingMethodFactory(name="Standard")


ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "1 Main St",
    "line2": "",
    "city": "Springfield",
    "postcode": "12345",
    "region": "US-IL",
    "country": "US",
    "phone": "",
}


def checkout_details(shipping_method, **changes) -> dict:
    """What a guest types on the checkout page (a London address)."""
    return {
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "line1": "1 Main St",
        "city": "London",
        "postcode": "SW1A 1AA",
        "country": "GB",
        "shipping_method": shipping_method.pk,
        **changes,
    }


def make_cart(*items) -> Cart:
    """A cart holding (variant, quantity) pairs."""
    cart = Cart.objects.create()
    for variant, quantity in items:
        CartLine.objects.create(cart=cart, variant=variant, quantity=quantity)
    return cart


def place(cart: Cart, shipping, *, email="buyer@example.com", user=None, token=None):
    return order_services.place_order(
        cart=cart,
        email=email,
        address=ADDRESS,
        shipping_method=shipping,
        user=user,
        checkout_token=token or uuid.uuid4().hex,
    )


@pytest.fixture
def order(db, shipping_method):
    """A placed order for 2 × $10.00 plus $5.00 shipping = $25.00, awaiting payment."""
    variant = VariantFactory(stock_on_hand=5)
    return place(make_cart((variant, 2)), shipping_method)


def signed_event(event: dict | str, *, secret: str | None = None, timestamp: int | None = None):
    """The body and Stripe-Signature header Stripe would send for `event`."""
    payload = event if isinstance(event, str) else json.dumps(event)
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = secret or django_settings.STRIPE_WEBHOOK_SECRET
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return payload, f"t={timestamp},v1={signature}"


def payment_intent_event(
    intent: dict, event_type: str = "payment_intent.succeeded", event_id: str | None = None
) -> dict:
    return {
        "id": event_id or f"evt_{uuid.uuid4().hex[:16]}",
        "object": "event",
        "type": event_type,
        "api_version": "2024-06-20",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": intent},
    }


def post_webhook(client, payload: str, signature: str):
    """POST a body and Stripe-Signature header to the webhook, as Stripe would."""
    from django.urls import reverse

    return client.post(
        reverse("stripe_webhook"),
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def deliver_event(client, event: dict):
    """Sign `event` with the endpoint secret and deliver it to the webhook."""
    return post_webhook(client, *signed_event(event))
