"""Hostile input is refused at the door, and every error has a page in the shop's look."""

import pytest
from django.test import Client
from django.urls import reverse

from orders.models import Order
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUL_URLS = [
    "/orders/AB%00CD/",
    "/payments/orders/AB%00CD/pay/",
    "/payments/orders/AB%00CD/return/",
    "/search/?q=mug%00",
    "/search/?q%00=mug",
    "/c/%00/",
    "/p/x%00y/",
    "/cart/?page=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_a_nul_byte_anywhere_in_the_url_is_a_400_with_the_shops_page(client, url, signed_in):
    if signed_in:
        client.force_login(UserFactory())

    response = client.get(url)

    assert response.status_code == 400
    assert b"We could not read that request" in response.content
    assert b"Back to the shop" in response.content


def test_a_nul_byte_in_a_form_field_is_refused_and_changes_nothing(client, order):
    response = client.post(reverse("cart:add"), {"variant": "1\x00", "quantity": "1"})

    assert response.status_code == 400
    assert Order.objects.count() == 1


@pytest.mark.parametrize("cookie", ["sessionid", "csrftoken", "messages", "anything"])
def test_a_nul_byte_in_a_cookie_is_refused_before_the_session_is_read(cookie):
    client = Client()
    client.cookies[cookie] = "abc\x00def"

    response = client.get("/")

    assert response.status_code == 400


def test_an_unknown_page_is_a_404_in_the_shops_look(client, settings):
    settings.DEBUG = False

    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert b"We could not find that page" in response.content
    assert b"Northwind Goods" in response.content or settings.SHOP_NAME.encode() in response.content


def test_a_failed_csrf_check_has_the_shops_page():
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("cart:add"), {"variant": 1, "quantity": 1})

    assert response.status_code == 403
    assert b"This form has expired" in response.content
    assert b"Back to the shop" in response.content


def test_the_500_page_renders_without_the_database(settings, django_assert_num_queries):
    from shop.errors import server_error

    with django_assert_num_queries(0):
        response = server_error(None)

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert settings.SHOP_NAME.encode() in response.content


def test_an_unhandled_error_answers_the_500_page(client, settings, monkeypatch):
    from shop.catalog import views

    def boom(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.selectors, "listed_products", boom)
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_a_signed_in_shopper_gets_a_clear_403_from_the_admin_not_a_redirect_loop(client):
    client.force_login(UserFactory(email="shopper@example.com"))

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert len(response.redirect_chain) <= 2
    assert b"This account has no access to the shop" in response.content
    assert b"shopper@example.com" in response.content
    assert reverse("account_logout").encode() in response.content


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_admin(client):
    response = client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"


def test_readyz_checks_the_database_and_migrations(client):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.content == b"ready\n"


def test_the_api_answers_errors_in_its_json_shape_not_with_a_page(client):
    unknown = client.get("/api/v1/no-such-thing")
    nul = client.get("/api/v1/products?q=a%00b")

    for response, code in ((unknown, "not_found"), (nul, "bad_request")):
        assert response["Content-Type"] == "application/json"
        assert response.json()["errors"][0]["code"] == code
    assert client.get("/no-such-page/")["Content-Type"].startswith("text/html")


def test_readyz_says_redis_is_down_without_taking_the_node_out(client, settings):
    from tests.conftest import free_port

    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    settings.REDIS_URL = dead
    settings.CACHES = {"default": {"BACKEND": "shop.redis_cache.RedisCache", "LOCATION": dead}}

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.content.decode().startswith("ready, degraded: redis unreachable")
