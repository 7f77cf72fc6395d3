"""Every page of tests/e2e/pages.py that the Django test client can reach, in German: none
may show a string of the shop's English catalog (or the shop's allauth wording) whose German
differs; and German account pages speak to the shopper as "Sie", never "du"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.languages.conftest import (
    PASSWORD,
    catalog_english,
    english_in,
    english_phrases,
    visible_text,
)

pytestmark = pytest.mark.markets

DETAILS = {
    "email": "gast@example.com",
    "name": "Grace Hopper",
    "line1": "Hauptstraße 1",
    "line2": "",
    "city": "Berlin",
    "postcode": "10115",
    "region": "",
    "country": "DE",
    "phone": "",
}
INFORMAL = re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner)\b", re.I)


def _add_mug(client):
    from shop.catalog.models import Variant

    client.post("/de/cart/add/", {"variant": Variant.objects.get(sku="MUG-1").pk, "quantity": 1})


def _to_review(client):
    from orders.models import ShippingMethod

    _add_mug(client)
    client.post("/de/checkout/", {**DETAILS, "shipping_method": ShippingMethod.objects.get().pk})


def _placed_order(client):
    """Review, then "Pay": the order is placed from the German checkout (its payment page
    is the browser walk's; here the order page)."""
    _to_review(client)
    review = client.get("/de/checkout/review/")
    client.post(
        "/de/checkout/review/", {"checkout_token": review.context["form"].initial["checkout_token"]}
    )
    from orders.models import Order

    return Order.objects.get()


def _signed_in(client, shop_user):
    client.force_login(shop_user, backend="django.contrib.auth.backends.ModelBackend")


# name -> (how to get there, the German path to read)
PAGES = {
    "home": (None, "/de/"),
    "category": (None, "/de/c/kitchen/"),
    "category-bad-filter": (None, "/de/c/kitchen/?price_min=-1"),
    "product": (None, "/de/p/mug/"),
    "product-sold-out": (None, "/de/p/lamp/"),
    "search": (None, "/de/search/?q=mug"),
    "search-miss": (None, "/de/search/?q=zzzz"),
    "search-empty": (None, "/de/search/"),
    "cart-empty": (None, "/de/cart/"),
    "cart-with-message": (lambda c, u: _add_mug(c), "/de/cart/"),
    "checkout": (lambda c, u: _add_mug(c), "/de/checkout/"),
    "review": (lambda c, u: _to_review(c), "/de/checkout/review/"),
    "order": (lambda c, u: _placed_order(c), None),
    "sign-in": (None, "/de/accounts/login/"),
    "sign-up": (None, "/de/accounts/signup/"),
    "password-reset": (None, "/de/accounts/password/reset/"),
    "not-found": (None, "/de/no-such-page/"),
    "shop-page": (None, "/de/pages/returns/"),
    "shop-page-terms": (None, "/de/pages/terms/"),
    "my-orders": (_signed_in, "/de/account/orders/"),
    "addresses": (_signed_in, "/de/account/addresses/"),
    "email-addresses": (_signed_in, "/de/accounts/email/"),
    "change-password": (_signed_in, "/de/accounts/password/change/"),
    "two-factor": (_signed_in, "/de/accounts/2fa/"),
    "close-account": (_signed_in, "/de/account/delete/"),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_german_page_shows_no_english(client, german_shop, name):
    reach, path = PAGES[name]
    found = reach(client, german_shop) if reach else None
    if path is None:  # the order placed: its own page
        path = reverse("orders:detail", args=[found.number]).replace("/orders/", "/de/orders/", 1)
    response = client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    html = response.content.decode()
    assert '<html lang="de">' in html
    text = visible_text(html)
    assert english_in(text, english_phrases()) == [], text
    # The merchant's words with a German: the mug's colour ("Waldgrün", never "Forest"),
    # the VAT's name ("MwSt.") on the checkout's review and the order.
    assert english_in(text, catalog_english()) == [], text
    assert INFORMAL.findall(text) == [], text


def test_the_crawl_reads_the_merchants_words_in_german(client, german_shop):
    """The crawl above could not pass by showing no colour and no tax at all."""
    assert catalog_english() == ["Forest", "VAT"]
    assert "Waldgrün" in visible_text(client.get("/de/p/mug/").content.decode())
    assert "Waldgrün" in visible_text(client.get("/de/c/kitchen/").content.decode())
    order = _placed_order(client)
    assert (order.lines.get().variant_label, order.tax_name) == ("Waldgrün", "MwSt.")
    text = visible_text(client.get(f"/de/orders/{order.number}/").content.decode())
    assert "Waldgrün" in text and "MwSt." in text
    english = visible_text(client.get("/p/mug/").content.decode())
    assert "Forest" in english and "Waldgrün" not in english


def test_a_german_form_with_errors_shows_no_english(client, german_shop):
    """The checkout sent empty, and a sign-up with a short password: Django's and allauth's
    own messages come from their German catalogs, ours from ours."""
    _add_mug(client)
    checkout = visible_text(client.post("/de/checkout/", {}).content.decode())
    signup = visible_text(
        client.post(
            "/de/accounts/signup/",
            {"email": "someone@example.com", "password1": "short", "password2": "shorter"},
        ).content.decode()
    )
    for text in (checkout, signup):
        assert english_in(text, english_phrases()) == [], text
        assert INFORMAL.findall(text) == [], text
    assert "Dieses Feld ist erforderlich." in checkout


def test_the_checker_finds_english(german_shop):
    """The crawl above could not pass by reading nothing."""
    phrases = english_phrases()
    assert english_in("Ihr Warenkorb · Add to cart", phrases) == ["Add to cart"]
    assert english_in("In den Warenkorb", phrases) == []
    assert "Add to cart" in visible_text('<button type="submit">Add to cart</button>')
    assert visible_text('<a lang="en" href="/">English</a><script>var x="Cart"</script>') == ""


def test_the_account_emails_of_a_german_shopper_are_german(client, german_shop):
    from accounts import services

    services.set_language(user=german_shop, language="de")
    client.post("/accounts/password/reset/", {"email": german_shop.email})  # an English page
    (email,) = mail.outbox
    assert "Passwort" in email.subject + email.body
    text = " ".join(email.body.split())
    assert english_in(text, english_phrases()) == [], text
    assert INFORMAL.findall(text) == [], text


def test_signing_up_in_german_makes_a_german_account(client, db):
    from accounts.models import User

    client.post(
        "/de/accounts/signup/",
        {
            "email": "neu@example.com",
            "password1": "a long and unusual passphrase",
            "password2": "a long and unusual passphrase",
        },
    )
    assert User.objects.get(email="neu@example.com").language == "de"
    (email,) = mail.outbox
    assert "bestätigen" in email.body and "/de/accounts/confirm-email/" in email.body


def test_sign_in_with_the_password_in_german(client, german_shop):
    response = client.post(
        "/de/accounts/login/", {"login": german_shop.email, "password": PASSWORD}, follow=True
    )
    assert response.context["user"].is_authenticated
