"""The layout kept whole per language, market, sign-in state and URL (shop/templatetags/layout.py)
is the layout rendered afresh: the same page to the byte but for each shopper's own CSRF token
and cart badge, which are never kept."""

from __future__ import annotations

import difflib
import re

import pytest
from django.test import Client, override_settings

from markets.models import Market
from shop.templatetags import layout
from tests.factories import UserFactory, VariantFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    # Every visitor's token differs (masked afresh per request): compare the rest.
    return TOKEN.sub('name="csrfmiddlewaretoken" value="*"', html)


@pytest.fixture
def two_markets(db):
    Market.objects.create(
        name="Europe", code="eu", currency="EUR", countries=["DE", "FR"], language="de"
    )


def _visitors():
    anonymous = Client()
    shopper = Client()
    shopper.force_login(UserFactory())
    return {"anonymous": anonymous, "signed in": shopper}


@pytest.mark.parametrize("path", ["/cart/", "/wishlist/", "/de/cart/", "/search/?q=shirt"])
def test_a_kept_layout_is_the_layout_rendered_afresh(path, two_markets, settings):
    visitors = _visitors()
    with override_settings(LAYOUT_CACHE=False):
        fresh = {who: _page(client, path) for who, client in visitors.items()}
    settings.LAYOUT_CACHE = True
    layout.forget()
    # One after the other on the same kept copies: a visitor never gets another's layout.
    for who, client in visitors.items():
        built = _page(client, path)
        kept = _page(client, path)
        for other in (built, kept):
            difference = "\n".join(
                difflib.unified_diff(fresh[who].splitlines(), other.splitlines(), lineterm="", n=1)
            )
            assert not difference, f"{who}:\n{difference}"
        assert "layout-" not in kept  # no placeholder left behind
    assert fresh["anonymous"] != fresh["signed in"]


def test_each_visitor_gets_their_own_token_and_badge(two_markets, settings):
    settings.LAYOUT_CACHE = True
    first, second = Client(), Client(enforce_csrf_checks=True)
    variant = VariantFactory(stock_on_hand=10)
    assert first.get(f"/p/{variant.product.slug}/").status_code == 200
    first.post("/cart/add/", {"variant": variant.pk, "quantity": 3})
    first.get("/wishlist/")  # the layout kept, with the first visitor's badge as a hole
    one = first.get("/wishlist/").content.decode()
    two = second.get("/wishlist/").content.decode()
    assert re.search(r'data-testid="cart-count">3<', one)
    assert re.search(r'data-testid="cart-count">0<', two)
    tokens = {TOKEN.search(one).group(1), TOKEN.search(two).group(1)}
    assert len(tokens) == 2
    # Each token is the visitor's own: the market form accepts it.
    token = TOKEN.search(two).group(1)
    response = second.post(
        "/market/", {"market": "eu", "next": "/wishlist/", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert "Europe" in second.get("/wishlist/").content.decode()


def test_a_market_renamed_shows_at_once(two_markets, settings):
    settings.LAYOUT_CACHE = True
    client = Client()
    assert "Europe (EUR)" in client.get("/cart/").content.decode()
    market = Market.objects.get(code="eu")
    market.name = "Euro area"
    market.save()
    html = client.get("/cart/").content.decode()
    assert "Euro area (EUR)" in html and "Europe (EUR)" not in html


def test_the_kept_copies_are_bounded(settings):
    settings.LAYOUT_CACHE = True
    settings.LAYOUT_CACHE_SIZE = 5
    client = Client()
    for page in range(10):
        client.get(f"/search/?q=shirt&page={page}")
    assert len(layout._kept) <= 5
