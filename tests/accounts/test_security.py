"""Forms refuse a missing CSRF token (the Stripe webhook excepted: its signature is the proof),
and every page carries the security headers and a Content Security Policy."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Address
from tests.conftest import ADDRESS, make_cart, place
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shipping_method):
    user = UserFactory(email="me@example.com")
    address = Address.objects.create(user=user, is_default=True, **ADDRESS)
    order = place(make_cart((VariantFactory(), 1)), shipping_method, user=user)
    return {"user": user, "address": address, "order": order}


STATE_CHANGING = [
    ("cart:add", {}),
    ("cart:update", {"line_id": 1}),
    ("cart:remove", {"line_id": 1}),
    ("orders:checkout", {}),
    ("orders:review", {}),
    ("orders:apply_voucher", {}),
    ("orders:remove_voucher", {}),
    ("accounts:addresses", {}),
    ("accounts:edit_address", {"address_id": "address"}),
    ("accounts:delete_address", {"address_id": "address"}),
    ("accounts:default_address", {"address_id": "address"}),
    ("accounts:delete", {}),
    ("account_login", {}),
    ("account_signup", {}),
    ("account_logout", {}),
    ("account_reset_password", {}),
    ("account_email", {}),
    ("account_change_password", {}),
    ("mfa_activate_totp", {}),
    ("payments:emulator_confirm", {}),
]


@pytest.mark.parametrize("name, kwargs", STATE_CHANGING, ids=[n for n, _ in STATE_CHANGING])
def test_every_form_refuses_a_post_without_a_csrf_token(world, name, kwargs):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["user"])
    kwargs = {k: world["address"].pk if v == "address" else v for k, v in kwargs.items()}
    before = Address.objects.count(), world["user"].addresses.first().name

    response = client.post(reverse(name, kwargs=kwargs), {"name": "Changed", "quantity": 1})

    assert response.status_code == 403
    assert (Address.objects.count(), world["user"].addresses.first().name) == before


def test_the_webhook_needs_no_csrf_token_but_a_signature(world):
    response = Client(enforce_csrf_checks=True).post(
        reverse("stripe_webhook"), "{}", content_type="application/json"
    )
    assert response.status_code == 400  # refused for its missing signature, not for CSRF


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/cart/"])
def test_pages_carry_the_security_headers_and_csp(client, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' https://js.stripe.com" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_and_csrf_cookies_are_httponly_and_samesite(client, settings):
    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    fresh = Client().get(reverse("account_login"))
    assert fresh.cookies[settings.CSRF_COOKIE_NAME]["samesite"] == "Lax"
