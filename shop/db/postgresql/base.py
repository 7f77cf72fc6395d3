"""Django's PostgreSQL backend with a health check that costs no round trip while the
connection is quiet.

With CONN_HEALTH_CHECKS, Django sends `SELECT 1` before the first query of every request
that reuses a connection: on the checkout path that was one query in eight. A connection the
server has dropped (a restart, a failover, an idle timeout, pg_terminate_backend) becomes
readable (the server's goodbye, or the socket's end) or is already marked bad by psycopg; a
quiet socket on an idle, healthy connection is one that works. So: look at the socket
without waiting, and only when something arrived ask the server with Django's own check.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        if connection.pgconn.status != pq.ConnStatus.OK:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return super().is_usable() if readable else True
