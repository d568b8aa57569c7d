"""Django's SQLite backend, creating the database file readable by its owner only.

SQLite creates a missing database with the process's umask (usually 0644), and
its ``-wal`` and ``-shm`` files with the mode of the database file. Creating the
empty file 0600 before SQLite opens it therefore keeps all three private,
whoever opens it first: ``bootstrap.py``, ``migrate``, the tests or the server.
"""

import os
import sqlite3
from pathlib import Path

from django.db.backends.sqlite3 import base as sqlite_backend

PRIVATE_FILE_MODE = 0o600


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


class DatabaseWrapper(sqlite_backend.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict) -> sqlite3.Connection:
        create_private_file(conn_params["database"])
        return super().get_new_connection(conn_params)
