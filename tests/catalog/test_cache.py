"""Catalog pages from the cache: nothing of one shopper reaches another, and a change a
shopper could see shows on the next request."""

import re
import secrets

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shop.catalog import services
from shop.catalog.models import Product
from tests.factories import CategoryFactory, ProductFactory, UserFactory, VariantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached(settings):
    settings.CATALOG_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lamp(db):
    category = CategoryFactory(name="Lights", slug="lights")
    product = ProductFactory(name="Brass Lamp", slug="brass-lamp", category=category)
    return VariantFactory(product=product, price=("40.00", "USD"), stock_on_hand=10)


PAGES = [
    reverse("catalog:home"),
    reverse("catalog:category", args=["lights"]),
    reverse("catalog:search") + "?q=lamp",
    reverse("catalog:product", args=["brass-lamp"]),
]


@pytest.mark.parametrize("url", PAGES)
def test_a_cached_page_shows_nothing_of_another_shopper(
    cached, lamp, url, django_capture_on_commit_callbacks
):
    alice = Client()
    alice.force_login(UserFactory(email="alice-secret@example.com"))
    alice.post(reverse("cart:add"), {"variant": lamp.pk, "quantity": 3, "product": lamp.product_id})
    first = alice.get(url)  # fills the cache
    assert 'data-testid="cart-count">3<' in first.content.decode()
    assert "Added 3" in first.content.decode() and "Sign out" in first.content.decode()
    alice_token = alice.cookies["csrftoken"].value

    bob = Client()
    second = bob.get(url)
    body = second.content.decode()

    assert second.status_code == 200
    assert "alice-secret@example.com" not in body and "Sign out" not in body
    assert 'data-testid="cart-count">0<' in body
    assert "Added 3" not in body  # Alice's message
    assert alice_token not in body
    if "csrfmiddlewaretoken" in body:
        assert bob.cookies["csrftoken"].value  # Bob got a token of his own


@pytest.mark.parametrize("url", PAGES)
def test_every_form_of_a_page_cached_whole_carries_the_visitors_own_token(cached, lamp, url):
    """An anonymous visitor's page is kept whole, layout included: the header's and footer's
    market forms, like the body's, must carry each visitor's own CSRF token (a first
    visitor's token, kept in the page, was refused to everyone after them)."""
    from markets.models import Market

    Market.objects.create(name="Europe", code="eu", currency="EUR", countries=["DE"], position=1)
    for visitor in range(3):
        browser = Client(enforce_csrf_checks=True)
        html = browser.get(url).content.decode()
        forms = re.findall(
            r'<form[^>]*action="([^"]+)"[^>]*method="post"[^>]*>\s*<input type="hidden" '
            r'name="csrfmiddlewaretoken" value="([^"]+)"',
            html,
        )
        assert [action for action, _ in forms].count("/market/") == 2, visitor  # header, footer
        for action, token in forms:
            if action == "/market/":
                answer = browser.post(action, {"csrfmiddlewaretoken": token, "market": "eu"})
                assert answer.status_code == 302, (visitor, action)


def test_a_cached_page_costs_no_query_and_a_change_shows_on_the_next_request(
    cached, lamp, client, django_capture_on_commit_callbacks
):
    url = reverse("catalog:product", args=["brass-lamp"])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert "$40.00" in client.get(url).content.decode()
    assert len(captured) == 0

    with django_capture_on_commit_callbacks(execute=True):
        lamp.price = ("55.00", "USD")
        services.save_variant(variant=lamp)

    assert "$55.00" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.set_stock_on_hand(variant_id=lamp.pk, quantity=0)
    assert "Sold out" in client.get(url).content.decode()
    assert "Sold out" in client.get(reverse("catalog:category", args=["lights"])).content.decode()


def test_unpublishing_shows_on_the_next_request(
    cached, lamp, client, django_capture_on_commit_callbacks
):
    url = reverse("catalog:product", args=["brass-lamp"])
    assert client.get(url).status_code == 200
    staff = Client()
    staff.force_login(UserFactory(is_staff=True, is_superuser=True))
    product = Product.objects.get(slug="brass-lamp")
    from shop.catalog.listings import refresh_listings

    with django_capture_on_commit_callbacks(execute=True):
        Product.objects.filter(pk=product.pk).update(is_published=False)
        refresh_listings(product_ids=[product.pk])

    assert client.get(url).status_code == 404


def test_pages_carry_an_etag_and_revalidate_with_a_304(lamp, client):
    url = reverse("catalog:category", args=["lights"])
    first = client.get(url)

    assert "no-cache" in first["Cache-Control"] and first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


@pytest.mark.parametrize("url", PAGES)
def test_the_whole_page_kept_for_visitors_without_cookies_never_reaches_a_shopper(
    cached, lamp, url
):
    stranger = Client()
    first = stranger.get(url)  # cached whole: no session, no messages
    assert "Cookie" in first["Vary"]
    alice = Client()
    alice.force_login(UserFactory(email="alice@example.com"))
    alice.post(reverse("cart:add"), {"variant": lamp.pk, "quantity": 2, "product": lamp.product_id})

    page = alice.get(url).content.decode()
    again = Client().get(url)

    assert 'data-testid="cart-count">2<' in page and "Sign out" in page
    assert again.content == first.content or "csrfmiddlewaretoken" in first.content.decode()
    assert "Sign out" not in again.content.decode()


def test_a_cache_that_is_down_slows_pages_but_breaks_nothing(
    lamp, client, settings, django_capture_on_commit_callbacks
):
    settings.CATALOG_CACHE = True
    settings.CACHES = {
        "default": {
            "BACKEND": "shop.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }

    for url in PAGES:
        assert client.get(url).status_code == 200, url
    with django_capture_on_commit_callbacks(execute=True):
        services.set_stock_on_hand(variant_id=lamp.pk, quantity=2)  # bumps on commit
    assert (
        "Only 2 left"
        in client.get(reverse("catalog:product", args=["brass-lamp"])).content.decode()
    )


def test_a_category_added_in_the_admin_shows_on_the_next_request(
    cached, lamp, client, django_capture_on_commit_callbacks
):
    assert "Garden" not in client.get(reverse("catalog:home")).content.decode()
    merchant = Client()
    merchant.force_login(UserFactory(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        response = merchant.post(
            reverse("admin:catalog_category_add"),
            {"name_en": "Garden", "slug": "garden", "description_en": "", "position": 9},
        )

    assert response.status_code == 302
    assert "Garden" in client.get(reverse("catalog:home")).content.decode()
    assert client.get(reverse("catalog:category", args=["garden"])).status_code == 200


def test_a_rush_on_a_low_stock_product_rebuilds_its_page_and_no_other(
    cached, lamp, client, shipping_method, django_capture_on_commit_callbacks
):
    """Each sale of a product that is running low changes its "Only N left": its own page is
    rebuilt, while the other products' pages and the listings stay in the cache until a
    variant sells out."""
    from tests.conftest import make_cart, place

    desk = VariantFactory(
        product=ProductFactory(name="Oak Desk", slug="oak-desk", category=lamp.product.category),
        price=("90.00", "USD"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.set_stock_on_hand(variant_id=lamp.pk, quantity=4)
        services.set_stock_on_hand(variant_id=desk.pk, quantity=4)
    lamp.refresh_from_db()
    lamp_page = reverse("catalog:product", args=["brass-lamp"])
    others = [reverse("catalog:product", args=["oak-desk"]), *PAGES[:3]]
    assert "Only 4 left" in client.get(lamp_page).content.decode()
    for url in others:
        client.get(url)

    with django_capture_on_commit_callbacks(execute=True):
        place(make_cart((lamp, 1)), shipping_method)

    assert "Only 3 left" in client.get(lamp_page).content.decode()
    with CaptureQueriesContext(connection) as captured:
        for url in others:
            assert client.get(url).status_code == 200
    assert len(captured) == 0, [q["sql"] for q in captured]

    with django_capture_on_commit_callbacks(execute=True):
        place(make_cart((lamp, 3)), shipping_method)  # the last ones: sold out everywhere

    assert "Sold out" in client.get(lamp_page).content.decode()
    category = client.get(reverse("catalog:category", args=["lights"])).content.decode()
    assert category.count("Sold out") == 1 and "In stock" in category


def _entries() -> set[str]:
    """The keys in the test suite's cache (a LocMemCache)."""
    return set(cache._cache)


def _without_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def _junk() -> str:
    return f"{secrets.token_hex(3)}={secrets.token_hex(4)}&utm_{secrets.token_hex(2)}="


LISTINGS = [
    *PAGES,
    reverse("catalog:category", args=["lights"]) + "?sort=price&in_stock=1",
    reverse("catalog:search") + "?q=lamp&price=0-50",
]


@pytest.mark.parametrize("url", LISTINGS)
def test_made_up_query_parameters_add_no_cache_entries(cached, lamp, url):
    """Anyone could otherwise push the cache out of memory with random query strings."""
    stranger = Client()
    page = stranger.get(url)  # the page itself, cached
    before = _entries()
    assert any(key.endswith(":whole") for key in before)

    for _ in range(25):
        junk = stranger.get(url + ("&" if "?" in url else "?") + _junk())
        assert junk.status_code == 200
        assert _without_token(junk) == _without_token(page)  # from the page's own entry

    assert _entries() == before


INVALID_OR_UNKNOWN = [
    reverse("catalog:category", args=["lights"]) + "?page=abc",
    reverse("catalog:category", args=["lights"]) + "?sort=cheapest",
    reverse("catalog:category", args=["lights"]) + "?price_min=ten",
    reverse("catalog:category", args=["lights"]) + "?price_min=9&price_max=1",
    reverse("catalog:category", args=["lights"]) + "?o=nocolon",
    reverse("catalog:category", args=["lights"]) + "?page=999",  # past the last page
    reverse("catalog:category", args=["lights"]) + "?cat=made-up",
    reverse("catalog:search") + "?q=lamp&page=-1",
    reverse("catalog:product", args=["brass-lamp"]) + "?variant=NO-SUCH-SKU",
]


@pytest.mark.parametrize("url", INVALID_OR_UNKNOWN)
def test_values_that_are_invalid_or_match_nothing_are_shown_but_not_cached(cached, lamp, url):
    client = Client()
    for warm_up in (url.split("?")[0], PAGES[1]):  # its versions and the category tree
        client.get(warm_up)
    before = _entries()

    assert client.get(url).status_code == 200

    assert _entries() - before == set()


SAME_FILTERS = [
    (
        "?sort=price&in_stock=1&price=0-50",
        "?price=00-50&in_stock=on&utm_source=x&sort=name&sort=price&page=1",
    ),
    ("?o=size:M&o=color:Red", "?o=color:Red&o=size:M&o=size:M&page=01"),
    ("?price_min=10&price_max=50", "?price_max=50.00&price_min=010&q=ignored-here"),
]


@pytest.mark.parametrize("first, second", SAME_FILTERS)
def test_the_same_filters_in_another_spelling_hit_the_same_entry(cached, lamp, first, second):
    url = reverse("catalog:category", args=["lights"])
    stranger = Client()
    page = stranger.get(url + first)
    before = _entries()

    with CaptureQueriesContext(connection) as captured:
        again = stranger.get(url + second)

    assert _without_token(again) == _without_token(page)
    assert len(captured) == 0, [q["sql"] for q in captured]
    assert _entries() == before


def test_a_made_up_parameter_never_reaches_the_page_another_shopper_gets(cached, lamp):
    url = reverse("catalog:category", args=["lights"])
    Client().get(url + '?sort=price&evil="><script>x</script>&in_stock=1')

    page = Client().get(url + "?in_stock=1&sort=price").content.decode()

    assert "evil" not in page and "<script>x" not in page
    assert 'name="in_stock" value="1"' in page  # the real filter is kept in the sort form
