"""Redis down: the shop keeps selling and signing in, with its limits (README, "When Redis is
down"). The shop runs in its production shape (Redis cache and broker, cached_db sessions,
catalog cache) against a Redis of this test's own, which it stops and starts again."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from moneyed import Money

from orders.models import Order
from payments import emulator_bridge, gateway
from payments.models import Payment
from shop import redis_cache
from tests.conftest import (
    ARTIFACTS,
    _missing,
    checkout_details,
    deliver_event,
    free_port,
    payment_intent_event,
    wait_for_port,
)
from tests.factories import UserFactory, VariantFactory, totp_code
from worker.models import OutboxEmail

pytestmark = [pytest.mark.webhooks, pytest.mark.django_db(transaction=True)]

GOOD_CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}
PASSWORD = "correct horse battery"
API = "/api/v1"


class OwnRedis:
    """A redis-server of this test's own on a free port (never the shared one)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=ARTIFACTS.joinpath("redis-outage.log").open("a"),
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis(settings):
    """The shop in its production shape against its own Redis, which is then stopped."""
    if shutil.which("redis-server") is None:
        _missing("redis-server")
    from worker.celery import app

    own = OwnRedis()
    own.start()
    settings.REDIS_URL = own.url
    settings.REDIS_BREAKER_SECONDS = 0.5
    settings.CACHES = {
        "default": {"BACKEND": "shop.redis_cache.RedisCache", "LOCATION": own.url},
        "ratelimits": {
            "BACKEND": "shop.ratelimits.FallbackCache",
            "OPTIONS": {"PRIMARY": "default", "FALLBACK": "ratelimits-database"},
        },
        "ratelimits-database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "shop_cache_fallback",
        },
    }
    settings.SESSION_ENGINE = "shop.sessions"
    settings.CATALOG_CACHE = True
    settings.CELERY_BROKER_URL = own.url
    saved = {k: app.conf[k] for k in ("task_always_eager", "broker_url")}
    app.conf.update(task_always_eager=False, broker_url=own.url)
    try:
        yield own
    finally:
        app.conf.update(saved)
        own.stop()
        for breaker in redis_cache._breakers.values():
            breaker.reset()


def _buy_through_the_pages(browser: Client, variant, method, email: str) -> Order:
    for url in (reverse("catalog:home"), variant.product.get_absolute_url()):
        assert browser.get(url).status_code == 200
    added = browser.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    assert added.status_code == 302
    cart = browser.get(reverse("cart:detail"))
    assert cart.status_code == 200 and variant.product.name in cart.content.decode()
    details = checkout_details(method, email=email)
    assert browser.post(reverse("orders:checkout"), details).status_code == 302
    review = browser.get(reverse("orders:review"))
    token = review.context["form"].initial["checkout_token"]
    placed = browser.post(reverse("orders:review"), {"checkout_token": token})
    order = Order.objects.get(email=email)
    assert placed.url == reverse("payments:pay", args=[order.number])
    pay = browser.get(placed.url)
    assert pay.status_code == 200
    emulator_bridge.confirm_with_card(client_secret=pay.context["client_secret"], **GOOD_CARD)
    intent_id = Payment.objects.get(order=order).stripe_payment_intent_id
    back = browser.get(
        reverse("payments:return", args=[order.number]),
        {"payment_intent": intent_id, "redirect_status": "succeeded"},
        follow=True,
    )
    assert back.status_code == 200
    order.refresh_from_db()
    return order


def _post(client: Client, path: str, body=None):
    return client.post(f"{API}{path}", json.dumps(body or {}), content_type="application/json")


def _buy_through_the_api(app: Client, variant, method, email: str) -> Order:
    cart = _post(app, "/carts", {"lines": [{"variant_id": variant.pk}]})
    assert cart.status_code == 201, cart.content
    token = cart.json()["token"]
    body = {
        "email": email,
        "address": {
            "name": "Ada Lovelace",
            "line1": "1 High Street",
            "city": "London",
            "postcode": "SW1A 1AA",
            "country": "GB",
        },
        "shipping_method_id": method.pk,
    }
    assert _post(app, f"/carts/{token}/quote", body).status_code == 200
    placed = _post(app, f"/carts/{token}/order", {**body, "checkout_token": uuid.uuid4().hex})
    assert placed.status_code == 201, placed.content
    number, key = placed.json()["number"], placed.json()["key"]
    payment = _post(app, f"/orders/{number}/payment?key={key}")
    assert payment.status_code == 200, payment.content
    emulator_bridge.confirm_with_card(client_secret=payment.json()["client_secret"], **GOOD_CARD)
    # Stripe tells the shop through the webhook, which works without Redis too.
    intent = gateway.retrieve_payment_intent(payment.json()["payment_intent_id"])
    assert deliver_event(Client(), payment_intent_event(intent.to_dict())).status_code == 200
    return Order.objects.get(number=number)


def _sign_in_through_the_app(user) -> Client:
    answer = Client().post(
        "/_allauth/app/v1/auth/login",
        json.dumps({"email": user.email, "password": PASSWORD}),
        content_type="application/json",
    )
    assert answer.status_code == 200, answer.content
    return Client(headers={"X-Session-Token": answer.json()["meta"]["session_token"]})


def test_the_shop_sells_and_signs_in_with_redis_down_and_the_emails_go_once_it_is_back(
    redis, stripe_emulator, shipping_method, mailoutbox
):
    variant = VariantFactory(price=Money("10.00", "USD"), stock_on_hand=10)
    shopper = UserFactory(email="shopper@example.com")
    target = UserFactory(email="target@example.com")
    redis.stop()

    # A guest, and a signed-in shopper, through the pages.
    guest = _buy_through_the_pages(Client(), variant, shipping_method, "guest@example.com")
    browser = Client()
    assert browser.get(reverse("account_login")).status_code == 200
    signed_in = browser.post(
        reverse("account_login"), {"login": shopper.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in browser.session
    mine = _buy_through_the_pages(browser, variant, shipping_method, "shopper@example.com")
    assert mine.user == shopper

    # Sign-in limits still hold: the sixth failure in a minute is refused.
    attacker = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        wrong = attacker.post(reverse("account_login"), {"login": target.email, "password": "x"})
        assert "do not match an account" in wrong.content.decode()
    sixth = attacker.post(reverse("account_login"), {"login": target.email, "password": PASSWORD})
    assert "Too many failed login attempts" in sixth.content.decode()
    assert "_auth_user_id" not in attacker.session

    # A guest, and a signed-in shopper, through the API.
    api_guest = _buy_through_the_api(Client(), variant, shipping_method, "api@example.com")
    app = _sign_in_through_the_app(shopper)
    api_mine = _buy_through_the_api(app, variant, shipping_method, shopper.email)
    assert api_mine.user == shopper

    orders = [guest, mine, api_guest, api_mine]
    assert [Order.objects.get(pk=o.pk).status for o in orders] == [Order.Status.PAID] * 4
    ready = Client().get("/readyz")
    assert ready.status_code == 200 and "redis unreachable" in ready.content.decode()
    owed = OutboxEmail.objects.filter(kind=OutboxEmail.Kind.ORDER_CONFIRMATION)
    assert owed.count() == 4 and not owed.exclude(status=OutboxEmail.Status.PENDING).exists()
    assert mailoutbox == []

    # Redis comes back: the shop uses it again, and the sweep sends what is owed, once.
    redis.start()
    deadline = time.monotonic() + 10
    while Client().get("/readyz").content != b"ready\n" and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Client().get("/readyz").content == b"ready\n"
    from worker import tasks
    from worker.celery import app as celery

    owed.update(created_at=timezone.now() - timedelta(minutes=10))  # past the sweep's wait
    celery.conf.task_always_eager = True  # the sweep's tasks run here, as a worker would
    tasks.requeue_pending_emails()
    tasks.requeue_pending_emails()  # again: nothing is sent twice

    assert not owed.exclude(status=OutboxEmail.Status.SENT).exists()
    confirmations = sorted(m.to[0] for m in mailoutbox)
    assert confirmations == sorted(o.email for o in orders)


def test_two_factor_sign_in_works_and_refuses_a_replayed_code_with_redis_down(redis):
    user = UserFactory(email="careful@example.com", mfa=True)
    redis.stop()

    browser = Client()
    first = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert first.url == reverse("mfa_authenticate")
    code = totp_code()
    browser.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" in browser.session

    other = Client()
    other.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    replay = other.post(reverse("mfa_authenticate"), {"code": code})
    assert "Incorrect code" in replay.content.decode()
    assert "_auth_user_id" not in other.session
