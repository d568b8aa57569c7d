"""The SQLite database holds password hashes and refresh tokens: owner-only, checked at start."""

import os
import stat

import pytest
from django.conf import settings
from django.core.checks import Error
from django.db import connection
from django.db.utils import load_backend

from {{ cookiecutter.project_slug }}.database.checks import database_file_problems


def mode(path):
    """Return the permission bits of ``path``."""
    return stat.S_IMODE(os.stat(path).st_mode)


def open_database(path):
    """Open ``path`` with the project's database backend, as runserver or migrate would."""
    backend = load_backend(connection.settings_dict["ENGINE"])
    wrapper = backend.DatabaseWrapper({**connection.settings_dict, "NAME": str(path)})
    wrapper.ensure_connection()
    return wrapper


def test_a_new_database_and_its_wal_files_are_readable_by_the_owner_only(
    tmp_path, django_db_blocker
):
    path = tmp_path / "db.sqlite3"
    with django_db_blocker.unblock():
        wrapper = open_database(path)
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE secrets (value TEXT)")
            cursor.execute("INSERT INTO secrets VALUES ('hash')")
        created = [path, tmp_path / "db.sqlite3-wal", tmp_path / "db.sqlite3-shm"]
        assert all(file.exists() for file in created)
        assert [mode(file) for file in created] == [0o600, 0o600, 0o600]
    finally:
        with django_db_blocker.unblock():
            wrapper.close()


@pytest.mark.django_db
def test_the_test_database_is_readable_by_the_owner_only():
    assert mode(connection.settings_dict["NAME"]) == 0o600


def test_an_existing_world_readable_database_is_reported_at_start(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    databases = {"default": {**settings.DATABASES["default"], "NAME": path}}

    [problem] = database_file_problems(databases)

    assert isinstance(problem, Error)
    assert problem.id == "database.E001"
    assert str(path) in problem.msg
    assert "chmod 600" in str(problem.hint)


def test_an_owner_only_database_passes_the_check(tmp_path):
    path = tmp_path / "db.sqlite3"
    path.touch(mode=0o600)
    databases = {"default": {**settings.DATABASES["default"], "NAME": path}}

    assert database_file_problems(databases) == []


def test_the_wal_is_copied_into_the_database_after_10000_pages_not_1000(
    tmp_path, django_db_blocker
):
    # SQLite's default, every 1,000 pages, cost rotating refreshes a few
    # percent of their rate in copies and fsyncs (config/settings/base.py).
    with django_db_blocker.unblock():
        wrapper = open_database(tmp_path / "db.sqlite3")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE pages (value BLOB)")
            cursor.execute(
                "WITH RECURSIVE page(number) AS (SELECT 1 UNION ALL "
                "SELECT number + 1 FROM page WHERE number < 1500) "
                "INSERT INTO pages SELECT zeroblob(4000) FROM page"
            )
            # After a copy, this write would start the WAL over.
            cursor.execute("INSERT INTO pages VALUES (zeroblob(10))")
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            _busy, pages_in_wal, _copied = cursor.fetchone()
        assert pages_in_wal > 1500
    finally:
        with django_db_blocker.unblock():
            wrapper.close()
