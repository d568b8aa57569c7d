"""Django's PostgreSQL backend, checking a reused connection without a query.

With ``CONN_HEALTH_CHECKS``, Django's backend sends ``SELECT 1`` before the
first query of every request that reuses a connection: a round trip per
request, and work for the server. A connection the server has ended (a
restart, a failover, ``pg_terminate_backend``, ``idle_session_timeout``) has
something to read on its socket while nothing was asked: the server's last
message, or the end of the stream. Looking costs a system call, not a round
trip. Only a connection with something to read gets Django's ``SELECT 1``,
which tells a dead one from, say, a notice.
"""

import select

from django.db.backends.postgresql import base as postgresql_backend
from psycopg.pq import TransactionStatus


class DatabaseWrapper(postgresql_backend.DatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE:
            return super().is_usable()
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable or super().is_usable()
