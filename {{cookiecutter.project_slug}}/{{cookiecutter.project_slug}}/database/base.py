"""Django's SQLite backend: an owner-only file, and writers that wait briefly.

SQLite creates a missing database with the process's umask (usually 0644), and
its ``-wal`` and ``-shm`` files with the mode of the database file. Creating the
empty file 0600 before SQLite opens it therefore keeps all three private,
whoever opens it first: ``bootstrap.py``, ``migrate``, the tests or the server.

A transaction that finds the write lock taken waits for it in short steps.
SQLite's own busy handler sleeps 1, 2, 5, 10 ... up to 100 ms between tries,
while a request holds the lock for well under a millisecond: two workers
writing at once would each wait far longer than the other one writes.
"""

import os
import sqlite3
import time
from pathlib import Path

from django.db import OperationalError
from django.db.backends.sqlite3 import base as sqlite_backend

PRIVATE_FILE_MODE = 0o600
# Between two tries at the write lock: from a fraction of a transaction's
# hold on it, doubling up to a millisecond, until the ``timeout`` option.
FIRST_PAUSE_SECONDS = 0.00002
LONGEST_PAUSE_SECONDS = 0.001


def create_private_file(name: str | Path) -> None:
    """Create the empty database file ``name`` with mode 0600 unless it exists.

    In-memory databases (``:memory:`` and ``file:`` URIs) are left to SQLite.
    """
    name = str(name)
    if name in {"", ":memory:"} or name.startswith("file:"):
        return
    try:
        descriptor = os.open(
            name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE
        )
    except FileExistsError:
        return
    os.close(descriptor)


def is_busy(error: OperationalError) -> bool:
    """Return whether ``error`` is SQLite's "database is locked" (SQLITE_BUSY)."""
    cause = error.__cause__
    return (
        isinstance(cause, sqlite3.Error)
        and cause.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
    )


class DatabaseWrapper(sqlite_backend.DatabaseWrapper):
    # Django sets it from the OPTIONS; its stubs omit it.
    transaction_mode: str | None
    busy_timeout_ms: int

    def get_new_connection(self, conn_params: dict) -> sqlite3.Connection:
        create_private_file(conn_params["database"])
        connection = super().get_new_connection(conn_params)
        # The ``timeout`` option, as the sqlite3 module gave it to SQLite.
        (self.busy_timeout_ms,) = connection.execute("PRAGMA busy_timeout").fetchone()
        return connection

    def _start_transaction_under_autocommit(self) -> None:
        """Begin a transaction, trying for its lock until the ``timeout`` option.

        Raise OperationalError "database is locked" as Django would, once the
        lock stays taken that long. Statements outside transactions keep
        SQLite's busy handler.
        """
        if self.transaction_mode is None:
            # A deferred BEGIN takes no lock: it never waits.
            self.cursor().execute("BEGIN")
            return
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        pause = FIRST_PAUSE_SECONDS
        self._set_busy_timeout(0)
        try:
            while True:
                try:
                    self.cursor().execute(f"BEGIN {self.transaction_mode}")
                except OperationalError as error:
                    remaining = deadline - time.monotonic()
                    if not is_busy(error) or remaining <= 0:
                        raise
                    time.sleep(min(pause, remaining))
                    pause = min(2 * pause, LONGEST_PAUSE_SECONDS)
                else:
                    return
        finally:
            self._set_busy_timeout(self.busy_timeout_ms)

    def _set_busy_timeout(self, milliseconds: int) -> None:
        with self.wrap_database_errors:
            self.connection.execute(f"PRAGMA busy_timeout = {milliseconds:d}")
