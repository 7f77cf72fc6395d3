"""shop/sessions.py: the cached_db store, writing a new or changed session in one statement."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import checkout_details
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def store(settings):
    settings.SESSION_ENGINE = "shop.sessions"


def _session_writes(captured) -> list[str]:
    """The statements on the session table, each with the one before it (a BEGIN there
    would be a transaction of its own)."""
    statements = [q["sql"] for q in captured]
    return [
        (statements[i - 1].split()[0] if i else "", sql.split()[0])
        for i, sql in enumerate(statements)
        if "django_session" in sql
    ]


def test_a_new_session_is_one_insert_and_a_changed_one_one_update(store, shipping_method):
    variant = VariantFactory(stock_on_hand=5)
    shopper = Client()
    with CaptureQueriesContext(connection) as created:
        shopper.post(reverse("cart:add"), {"variant": variant.pk, "quantity": 1})
    details = checkout_details(shipping_method)
    with CaptureQueriesContext(connection) as changed:
        assert shopper.post(reverse("orders:checkout"), details).status_code == 302

    assert [write for _, write in _session_writes(created)] == ["INSERT"]
    assert [write for _, write in _session_writes(changed)] == ["UPDATE"]
    writes = _session_writes(created) + _session_writes(changed)
    assert all(before != "BEGIN" for before, _ in writes)
    session = Session.objects.get()
    assert session.get_decoded()["checkout"]["email"] == "ada@example.com"
    # The session survives a cold cache: the database has it.
    from django.core.cache import cache

    cache.clear()
    page = shopper.get(reverse("orders:review")).content.decode()
    assert "ada@example.com" in page and 'data-testid="cart-count">1<' in page


def test_a_key_already_taken_is_drawn_again(store, monkeypatch):
    from shop import sessions

    taken = sessions.SessionStore()
    taken.create()
    keys = iter([taken.session_key, "b" * 32])
    monkeypatch.setattr(sessions, "get_random_string", lambda *args: next(keys))

    fresh = sessions.SessionStore()
    fresh.create()

    assert fresh.session_key == "b" * 32
    assert Session.objects.count() == 2


def test_a_session_changed_while_the_cache_was_away_is_not_read_from_its_old_copy(
    store, monkeypatch
):
    """The database has every session; a copy the cache could not update is dropped from
    the cache before it is read again (shop/sessions.py)."""
    from django.core.cache import cache

    from shop import sessions
    from shop.redis_cache import CacheUnavailable

    session = sessions.SessionStore()
    session["cart"] = "old"
    session.create()
    key = session.session_key
    assert cache.get(session.cache_key)["cart"] == "old"

    def away(*args, **kwargs):
        raise CacheUnavailable("Redis is down")

    with monkeypatch.context() as outage:
        for method in ("get", "set", "delete", "delete_many"):
            outage.setattr(cache, method, away)
        during = sessions.SessionStore(key)
        assert during["cart"] == "old"  # read from the database
        during["cart"] = "new"
        during.save()

    assert cache.get(session.cache_key)["cart"] == "old"  # the cache never heard
    assert sessions.SessionStore(key)["cart"] == "new"
    assert cache.get(session.cache_key)["cart"] == "new"
