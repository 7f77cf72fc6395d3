"""Hostile input is refused at the door, and every error has a page in the shop's look."""

import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
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


@pytest.fixture
def django_log(caplog):
    """Records of Django's loggers (they do not propagate to the root, where caplog listens)."""
    logger = logging.getLogger("django")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG, logger="django")
    yield caplog
    logger.removeHandler(caplog.handler)


FORM = "application/x-www-form-urlencoded"
TOO_MUCH = [
    # (what, path, body, content type, the page's look or the API's)
    ("a form above the size limit", "/cart/add/", "quantity=" + "9" * 3000, FORM, "page"),
    ("a form with too many fields", "/cart/add/", "&".join(f"f{n}=1" for n in range(50)), FORM,
     "page"),
    ("JSON above the size limit", "/api/v1/carts", '{"merge_from": "' + "a" * 3000 + '"}',
     "application/json", "api"),
    ("JSON above the size limit to allauth", "/_allauth/app/v1/auth/login",
     '{"email": "' + "a" * 3000 + '"}', "application/json", "allauth"),
    ("a multipart form with too many files", "/cart/add/",
     encode_multipart(BOUNDARY, {f"f{n}": SimpleUploadedFile(f"{n}.txt", b"x") for n in range(20)}),
     MULTIPART_CONTENT, "page"),
]  # fmt: skip


@pytest.mark.parametrize(
    "what, path, body, content_type, look", TOO_MUCH, ids=[c[0] for c in TOO_MUCH]
)
def test_a_too_large_body_is_a_400_and_one_warning_without_a_traceback(
    client, settings, django_log, what, path, body, content_type, look
):
    """The client's mistake, not the shop's: no ERROR, no traceback, nothing for Sentry
    (its logging integration turns ERROR records into events)."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 10
    reported = []
    got_request_exception.connect(reported.append)
    try:
        response = client.generic("POST", path, body, content_type=content_type)
    finally:
        got_request_exception.disconnect(reported.append)

    assert response.status_code == 400
    if look == "page":
        assert "We could not read that request" in response.content.decode()
    elif look == "api":
        assert response.json()["errors"][0]["code"] == "bad_request"
    else:
        assert response.json()["status"] == 400 and response.json()["errors"]
    lines = [r for r in django_log.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1, [(r.name, r.levelname, r.getMessage()) for r in lines]
    assert lines[0].levelno == logging.WARNING
    assert lines[0].exc_info is None and not lines[0].exc_text
    assert not reported


@pytest.fixture
def sentry_events():
    """Sentry as production sets it up for logs (its logging integration: an ERROR record is
    an event), with the events kept here instead of sent."""
    import sentry_sdk
    from sentry_sdk.integrations.logging import LoggingIntegration
    from sentry_sdk.transport import Transport

    from shop.error_reports import scrub

    events: list[dict] = []

    class Kept(Transport):
        def capture_envelope(self, envelope):
            events.extend(item.payload.json for item in envelope.items if item.type == "event")

    sentry_sdk.init(
        dsn="https://key@sentry.invalid/1",
        transport=Kept,
        default_integrations=False,
        integrations=[LoggingIntegration()],
        before_send=scrub,
    )
    yield events
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: off again


def test_a_too_large_body_is_no_sentry_event_while_a_real_error_is(client, settings, sentry_events):
    import sentry_sdk

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    assert client.post("/cart/add/", "quantity=" + "9" * 3000, content_type=FORM).status_code == 400
    sentry_sdk.flush()
    assert sentry_events == []

    logging.getLogger("django.request").error("a real error")  # the harness does report
    sentry_sdk.flush()
    assert [e.get("logentry", {}).get("message") for e in sentry_events] == ["a real error"]
