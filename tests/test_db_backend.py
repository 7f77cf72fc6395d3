"""The PostgreSQL backend's health check (shop/db/postgresql/base.py): free while the
connection is quiet, and a connection the server dropped is still found out and replaced."""

import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def _last_query_of(pid: int, dsn: str) -> str | None:
    """The last statement the server backend `pid` ran: whether a check was sent after ours."""
    with psycopg.connect(dsn, autocommit=True) as other:
        row = other.execute("select query from pg_stat_activity where pid = %s", [pid]).fetchone()
    return row[0] if row else None


def _dsn() -> str:
    settings = connection.settings_dict
    return (
        f"host={settings['HOST'] or '127.0.0.1'} port={settings['PORT'] or 5432} "
        f"user={settings['USER']} dbname={settings['NAME']}"
    )


def test_a_quiet_connection_is_usable_without_a_query(require_postgres):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("select 'marker-before-check'")
    pid = connection.connection.info.backend_pid

    assert connection.is_usable()
    assert "marker-before-check" in _last_query_of(pid, _dsn())  # no SELECT 1 after it


def test_a_connection_the_server_dropped_is_found_out_and_replaced(require_postgres):
    connection.ensure_connection()
    old_pid = connection.connection.info.backend_pid
    with psycopg.connect(_dsn(), autocommit=True) as other:
        other.execute("select pg_terminate_backend(%s)", [old_pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye arrives on the socket

    assert not connection.is_usable()
    # A request on the dropped connection: the health check replaces it, the page works.
    connection.health_check_done = False
    response = Client().get(reverse("catalog:home"))
    assert response.status_code == 200
    assert connection.connection.info.backend_pid != old_pid
