"""The PostgreSQL and Redis servers of this machine: whether they listen, throwaway databases."""

import socket
import uuid

import pytest

from tests.support.commands import in_ci

POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"


def listening(port):
    """Return True when something accepts connections on ``127.0.0.1:port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def postgres_available():
    return listening(5432)


def redis_available():
    return listening(6379)


def require_service(available, description):
    """Skip (or fail on CI, which must run these tests) when a local server is absent."""
    if available():
        return
    message = f"{description} is not listening"
    if in_ci():
        pytest.fail(f"{message}, and CI must run the tests that need it")
    pytest.skip(message)


def require_postgres():
    require_service(postgres_available, "PostgreSQL on 127.0.0.1:5432")


def require_redis():
    require_service(redis_available, "Redis on 127.0.0.1:6379")


def throwaway_database_url(prefix="tmpl"):
    """Return a URL naming a PostgreSQL database no other test run uses."""
    return f"{POSTGRES_URL}/{prefix}_{uuid.uuid4().hex[:10]}"


def _on_postgres_server(url, statement, *databases):
    """Run ``statement`` once per database name, on the server ``url`` names."""
    import psycopg  # noqa: PLC0415 - only the PostgreSQL tests need it
    from psycopg import sql  # noqa: PLC0415

    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        for database in databases:
            connection.execute(sql.SQL(statement).format(sql.Identifier(database)))


def create_database(url):
    """Create the database named in ``url`` (as compose's db service would)."""
    _on_postgres_server(url, "CREATE DATABASE {}", url.rsplit("/", 1)[1])


def drop_database(url):
    """Drop the database named in ``url`` and the test database Django made from it."""
    name = url.rsplit("/", 1)[1]
    _on_postgres_server(
        url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name, f"test_{name}"
    )
