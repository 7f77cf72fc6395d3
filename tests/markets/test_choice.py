"""Which market a shopper buys in: the session's choice, the account's, the browser's
languages, the default; and the selector that changes it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from markets.models import CustomerMarket, Market
from markets.selectors import (
    SESSION_KEY,
    default_market,
    guess_from_accept_language,
    market_for_country,
    market_for_request,
)
from tests.factories import UserFactory

pytestmark = [pytest.mark.markets, pytest.mark.django_db]


def _market_of(client, **headers) -> Market:
    response = client.get(reverse("cart:detail"), **headers)
    return response.wsgi_request.market


def test_the_migration_made_one_default_market_in_the_shops_currency(settings):
    market = default_market()
    assert market.is_default and market.price_currency == settings.SHOP_CURRENCY
    assert Market.objects.filter(is_default=True).count() == 1


def test_a_second_default_is_refused_by_the_database(eu_market):
    with pytest.raises(IntegrityError), transaction.atomic():
        Market.objects.filter(pk=eu_market.pk).update(is_default=True)


def test_making_another_market_the_default_moves_the_flag(eu_market, settings):
    settings.SHOP_CURRENCY = "EUR"
    eu_market.is_default = True
    eu_market.save()
    assert list(Market.objects.filter(is_default=True)) == [eu_market]


def test_the_default_market_cannot_be_deleted():
    with pytest.raises(ValidationError):
        default_market().delete()


def test_a_country_belongs_to_one_market(eu_market):
    other = Market(name="Alps", code="alps", currency="CHF", countries=["ch", "AT"])
    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert "AT (Europe)" in str(refused.value)


def test_a_market_needs_a_real_currency():
    with pytest.raises(ValidationError):
        Market(name="Moon", code="moon", currency="ZZZ").full_clean()


def test_a_stranger_gets_the_default_market(client):
    assert _market_of(client) == default_market()


@pytest.mark.parametrize(
    "header, code",
    [
        ("de-AT,de;q=0.9,en;q=0.5", "eu"),
        ("en-US,en;q=0.9", "world"),
        ("fr", "world"),  # a language alone names no country
        ("en-GB;q=0.4, nl-NL", "eu"),  # the preferred range first
        ("de-at", "eu"),
        ("xx-YY, ;;;=,", "world"),  # nonsense is ignored
        ("", "world"),
    ],
)
def test_the_browsers_languages_are_a_first_guess(client, eu_market, header, code):
    assert _market_of(client, HTTP_ACCEPT_LANGUAGE=header).code == code


def test_choosing_a_market_is_remembered_in_the_session_and_the_account(client, eu_market):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("markets:choose"), {"market": "eu", "next": "/cart/"})

    # No language chosen yet: the same page in the market's language.
    assert response.status_code == 302 and response["Location"] == "/de/cart/"
    assert client.session[SESSION_KEY] == eu_market.pk
    assert CustomerMarket.objects.get(user=user).market == eu_market
    # A new session (another device) starts in the account's market.
    other_device = client.__class__()
    other_device.force_login(user)
    assert _market_of(other_device, HTTP_ACCEPT_LANGUAGE="en-US") == eu_market


def test_the_sessions_choice_wins_over_the_browser(client, eu_market):
    client.post(reverse("markets:choose"), {"market": "world"})
    assert _market_of(client, HTTP_ACCEPT_LANGUAGE="de-AT").code == "world"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/steal", "//evil.example/", "javascript:alert(1)", ""]
)
def test_the_selector_never_redirects_off_the_site(client, eu_market, next_url):
    response = client.post(reverse("markets:choose"), {"market": "eu", "next": next_url})
    # The shop's home, in the market's language.
    assert response.status_code == 302 and response["Location"] == "/de/"


@pytest.mark.parametrize("code", ["mars", "", "x" * 500, "eu\x00"])
def test_an_unknown_market_changes_nothing_and_says_why(client, eu_market, code):
    response = client.post(reverse("markets:choose"), {"market": code}, follow=True)
    assert response.status_code == (400 if "\x00" in code else 200)  # NUL: the site's 400
    assert SESSION_KEY not in client.session
    assert _market_of(client).code == "world"


def test_an_inactive_market_cannot_be_chosen(client, eu_market):
    eu_market.is_active = False
    eu_market.save()
    client.post(reverse("markets:choose"), {"market": "eu"})
    assert SESSION_KEY not in client.session


def test_the_selector_takes_only_a_post_with_its_csrf_token(eu_market):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.get(reverse("markets:choose")).status_code == 405
    assert strict.post(reverse("markets:choose"), {"market": "eu"}).status_code == 403


def test_the_selector_is_in_the_header_and_the_footer_without_javascript(client, eu_market):
    body = client.get(reverse("cart:detail")).content.decode()
    assert body.count(f'action="{reverse("markets:choose")}"') == 2
    assert 'value="eu"' in body and "Europe (EUR)" in body


def test_with_one_market_there_is_no_selector(client):
    body = client.get(reverse("cart:detail")).content.decode()
    assert reverse("markets:choose") not in body


def test_market_for_a_country(eu_market):
    assert market_for_country("at") == eu_market
    assert market_for_country("US").is_default
    assert market_for_country("").is_default


def test_market_for_request_without_session_or_user(eu_market):
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="de-DE")
    assert market_for_request(request) == eu_market
    assert guess_from_accept_language("de") is None


def test_a_database_without_a_default_market_gets_one_from_the_settings(settings):
    Market.objects.all().delete()  # as a test's flush leaves it
    market = default_market()
    assert market.is_default and market.pk and market.currency == settings.SHOP_CURRENCY
    assert default_market() == market  # once


def test_a_default_market_made_again_is_cached_with_the_markets_at_once(client):
    """A database emptied of its markets (a test's flush, a database built without the
    migrations' data) gets its default back on the first request, which also caches it: the
    next requests cost the same queries (a query count measured after one warm-up holds)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from markets.selectors import forget_cached_markets

    Market.objects.all().delete()
    forget_cached_markets()
    client.get("/api/v1/products")  # the warm-up: the default market made and cached

    def queries() -> int:
        with CaptureQueriesContext(connection) as seen:
            assert client.get("/api/v1/products").status_code == 200
        return len(seen)

    assert Market.objects.filter(is_default=True).count() == 1
    assert queries() == queries()


@pytest.mark.parametrize(
    "next_url, landed",
    [
        ("/cart/", "/de/cart/"),
        ("/c/kitchen/?o=colour%3AForest&page=2", "/de/c/kitchen/?o=colour%3AForest&page=2"),
        ("/de/cart/", "/de/cart/"),
        ("/no-such-page/", "/no-such-page/"),  # no page of ours: left as it is
    ],
)
def test_choosing_a_market_switches_to_its_language_on_the_same_page(
    client, eu_market, next_url, landed
):
    response = client.post(reverse("markets:choose"), {"market": "eu", "next": next_url})
    assert response.status_code == 302 and response["Location"] == landed


def test_the_market_changed_message_is_in_the_market_language(client, eu_market):
    page = client.post(reverse("markets:choose"), {"market": "eu", "next": "/"}, follow=True)
    assert page.request["PATH_INFO"] == "/de/"
    assert "Europe" in page.content.decode()
    assert "You are now shopping in" not in page.content.decode()


def test_a_language_chosen_with_the_switcher_is_kept(client, eu_market):
    client.post("/language/", {"language": "en", "next": "/cart/"})
    response = client.post(reverse("markets:choose"), {"market": "eu", "next": "/cart/"})
    assert response["Location"] == "/cart/"
    # and back to the default market from German pages: German stays, as chosen
    client.post("/language/", {"language": "de", "next": "/de/cart/"})
    response = client.post(reverse("markets:choose"), {"market": "world", "next": "/de/cart/"})
    assert response["Location"] == "/de/cart/"


def test_a_language_saved_on_the_account_is_kept(client, eu_market):
    client.force_login(UserFactory(language="en"))
    response = client.post(reverse("markets:choose"), {"market": "eu", "next": "/cart/"})
    assert response["Location"] == "/cart/"


def test_the_default_market_brings_a_stranger_back_to_its_language(client, eu_market):
    client.post(reverse("markets:choose"), {"market": "eu", "next": "/cart/"})
    response = client.post(reverse("markets:choose"), {"market": "world", "next": "/de/cart/"})
    assert response["Location"] == "/cart/"


def test_a_market_speaking_a_language_the_shop_does_not_keeps_the_page(client, jp_market):
    response = client.post(reverse("markets:choose"), {"market": "jp", "next": "/de/cart/"})
    assert response["Location"] == "/de/cart/"
