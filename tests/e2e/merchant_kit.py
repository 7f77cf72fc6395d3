"""What the merchant's browser tests share: a signed-in admin session without typing a code,
a paid order at the Stripe emulator, and screenshots (under test-artifacts/ when asked with
SHOP_SCREENSHOTS=1, and in $SCREENS_DIR when set, for an issue's before-and-after)."""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.test import Client
from moneyed import Money

from payments import emulator_bridge, services
from tests.conftest import ARTIFACTS, SCREENSHOTS, make_cart, place
from tests.factories import ShippingMethodFactory, UserFactory, VariantFactory

CARD = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def sign_in_to_admin(page, base: str, email: str = "mo@example.com"):
    """A merchant (with two-factor set up) signed in, as the browser's session cookie."""
    merchant = UserFactory(email=email, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(merchant)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base}]
    )
    return merchant


def paid_order_of_three_lines():
    """Three items at $80.00 each plus $5.00 shipping, paid by card at the emulator."""
    shipping = ShippingMethodFactory(name="Standard", price=Money("5.00", "USD"))
    lamps = [
        VariantFactory(
            product__name=f"Brass Lamp {n}", sku=f"LAMP-{n}", price=Money("80.00", "USD")
        )
        for n in (1, 2, 3)
    ]
    order = place(make_cart(*[(lamp, 1) for lamp in lamps]), shipping, email="ada@example.com")
    session = services.start_payment(order_id=order.pk)
    emulator_bridge.confirm_with_card(client_secret=session.client_secret, **CARD)
    services.sync_payment_intent(payment=session.payment, source="test")
    order.refresh_from_db()
    return order


def screen(page, name: str, *, full_page: bool = True, always: bool = False) -> None:
    if SCREENSHOTS or always:
        ARTIFACTS.joinpath("e2e", "merchant").mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / "e2e" / "merchant" / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
    if os.environ.get("SCREENS_DIR"):
        folder = Path(os.environ["SCREENS_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=full_page)
