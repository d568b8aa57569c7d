"""System check: refuse to start with a SQLite database others can read."""

import stat
from collections.abc import Sequence
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

SQLITE_FILE_SUFFIXES = ("", "-wal", "-shm", "-journal")
# Django's backend, and this package's (base.py), which creates files owner-only.
SQLITE_ENGINES = {"django.db.backends.sqlite3", __package__}


def check_database_file_mode(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return an error for each SQLite database whose files group or others can read."""
    return database_file_problems(settings.DATABASES)


def database_file_problems(databases: dict[str, dict]) -> list[checks.CheckMessage]:
    """Return an error for each SQLite database of ``databases`` others can read."""
    errors: list[checks.CheckMessage] = []
    for alias, database in databases.items():
        if database["ENGINE"] not in SQLITE_ENGINES:
            continue
        name = str(database["NAME"])
        exposed = [
            path
            for path in (Path(name + suffix) for suffix in SQLITE_FILE_SUFFIXES)
            if path.is_file() and stat.S_IMODE(path.stat().st_mode) & 0o077
        ]
        if exposed:
            errors.append(
                checks.Error(
                    f"The SQLite database {name} can be read by other users of this "
                    "machine: it holds password hashes and refresh tokens.",
                    hint=f"Run: chmod 600 {' '.join(str(path) for path in exposed)}",
                    obj=f"DATABASES[{alias!r}]",
                    id="database.E001",
                )
            )
    return errors
