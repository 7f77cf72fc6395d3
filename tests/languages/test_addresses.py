"""German under /de/, English without a prefix: the switcher, hreflang and canonical links,
the sitemap, the catalog cache per language, what stays outside the prefix, and the shopper's
choice remembered on the account."""

import re

import pytest

pytestmark = pytest.mark.markets

SHOP = "https://shop.example.com"


@pytest.fixture(autouse=True)
def shop_url(settings):
    settings.SHOP_URL = SHOP


def _links(html: str, rel: str) -> dict[str, str]:
    found = re.findall(rf'<link rel="{rel}" hreflang="([^"]+)" href="([^"]+)"', html)
    return dict(found)


def test_english_has_no_prefix_and_german_is_under_de(client, german_shop):
    english = client.get("/p/mug/").content.decode()
    german = client.get("/de/p/mug/").content.decode()

    assert '<html lang="en">' in english and "Stoneware Mug" in english
    assert "Add to cart" in english
    assert '<html lang="de">' in german and "Steingutbecher" in german
    assert "In den Warenkorb" in german and "Von Hand glasiert." in german


@pytest.mark.parametrize(
    "english, german",
    [("/p/mug/", "/de/p/mug/"), ("/cart/", "/de/cart/"), ("/", "/de/"),
     ("/pages/returns/", "/de/pages/returns/"), ("/accounts/login/", "/de/accounts/login/")],
)  # fmt: skip
def test_every_page_names_itself_in_both_languages(client, german_shop, english, german):
    for path in (english, german):
        html = client.get(path).content.decode()
        assert _links(html, "alternate") == {
            "en": SHOP + english,
            "de": SHOP + german,
            "x-default": SHOP + english,
        }
        assert html.count('rel="canonical"') == 1
        assert f'<link rel="canonical" href="{SHOP}{path}">' in html


def test_the_switcher_links_the_same_page_in_the_other_language(client, german_shop):
    english = client.get("/c/kitchen/?sort=price&utm_source=x").content.decode()
    german = client.get("/de/c/kitchen/?sort=price").content.decode()

    # Twice (header and footer); the catalog's query kept, a made-up parameter not.
    assert english.count('href="/de/c/kitchen/?sort=price" hreflang="de" lang="de"') == 2
    assert german.count('href="/c/kitchen/?sort=price" hreflang="en" lang="en"') == 2


def test_a_catalog_page_is_cached_per_language(client, german_shop, settings):
    settings.CATALOG_CACHE = True
    for _ in range(2):  # built, then from the cache
        assert "Steingutbecher" in client.get("/de/p/mug/").content.decode()
        english = client.get("/p/mug/").content.decode()
        assert "Stoneware Mug" in english and "Steingutbecher" not in english


def test_the_sitemap_lists_each_page_in_both_languages(client, german_shop):
    body = client.get("/sitemap.xml").content.decode()

    assert f"<loc>{SHOP}/p/mug/</loc>" in body and f"<loc>{SHOP}/de/p/mug/</loc>" in body
    assert f'hreflang="de" href="{SHOP}/de/c/kitchen/"' in body
    assert f'hreflang="x-default" href="{SHOP}/c/kitchen/"' in body


def test_robots_keeps_crawlers_out_of_private_pages_in_every_language(client, db):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /cart/" in body and "Disallow: /de/cart/" in body


@pytest.mark.parametrize(
    "path", ["/de/api/v1/products", "/de/healthz", "/de/admin/", "/de/_allauth/browser/v1/config",
             "/de/payments/stripe/webhook/", "/de/sitemap.xml"],
)  # fmt: skip
def test_the_machines_addresses_have_no_language(client, db, path):
    assert client.get(path).status_code == 404
    assert client.get(path.removeprefix("/de")).status_code != 404


def test_switching_language_signed_in_saves_it_on_the_account(client, german_shop):
    client.force_login(german_shop, backend="django.contrib.auth.backends.ModelBackend")
    page = client.get("/p/mug/?variant=MUG-1").content.decode()
    assert 'name="language" value="de"' in page  # a form: the account remembers the choice

    response = client.post("/language/", {"language": "de", "next": "/p/mug/?variant=MUG-1"})

    assert response.status_code == 302 and response.url == "/de/p/mug/?variant=MUG-1"
    german_shop.refresh_from_db()
    assert german_shop.language == "de"

    back = client.post("/language/", {"language": "en", "next": "/de/cart/"})
    assert back.url == "/cart/"
    german_shop.refresh_from_db()
    assert german_shop.language == "en"


@pytest.mark.parametrize(
    "data",
    [{"language": "xx", "next": "/de/cart/"}, {"language": "de", "next": "https://evil.example/"},
     {"language": "", "next": "/cart/"}, {"language": "de\x00", "next": "/cart/"}],
)  # fmt: skip
def test_a_bad_switch_changes_nothing_and_never_leaves_the_shop(client, german_shop, data):
    client.force_login(german_shop, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/language/", data)

    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response.url.startswith("/") and not response.url.startswith("//")
    german_shop.refresh_from_db()
    assert german_shop.language in ("", "de") and (german_shop.language == "de") == (
        data["language"] == "de"
    )


def test_switching_is_a_post(client, db):
    assert client.get("/language/?language=de&next=/").status_code == 405
