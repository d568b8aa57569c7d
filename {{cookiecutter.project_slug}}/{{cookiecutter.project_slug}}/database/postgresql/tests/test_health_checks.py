"""A reused connection is checked without a query, and a dead one is still replaced."""

import time

import psycopg
import pytest
from django.db import close_old_connections, connection

from {{ cookiecutter.project_slug }}.users.models import User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _new_connection_after_each_test():
    yield
    # As at the end of a request: the database flush after the test connects anew.
    connection.close()


def last_query_of(backend_pid: int) -> str:
    """Return what the server last ran for ``backend_pid``, asked on another connection."""
    with psycopg.connect(**connection.get_connection_params()) as observer:
        row = observer.execute(
            "SELECT query FROM pg_stat_activity WHERE pid = %s", (backend_pid,)
        ).fetchone()
    assert row is not None
    return str(row[0])


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


def end_backend(pid: int) -> None:
    """End the server's side of ``pid``, as a restart or a failover does."""
    with psycopg.connect(**connection.get_connection_params()) as observer:
        observer.execute("SELECT pg_terminate_backend(%s)", (pid,))
    time.sleep(0.2)  # the server's message and the end of the stream arrive


def test_a_live_connection_is_usable_without_a_round_trip() -> None:
    pid = backend_pid()

    assert connection.is_usable()

    assert last_query_of(pid) == "SELECT pg_backend_pid()"


def test_a_connection_the_server_ended_is_not_usable() -> None:
    end_backend(backend_pid())

    assert not connection.is_usable()


def test_the_next_request_gets_a_new_connection_and_its_answer() -> None:
    ended = backend_pid()
    end_backend(ended)
    # What Django does when a request starts: the connection is checked once.
    close_old_connections()

    assert User.objects.count() >= 0
    assert backend_pid() != ended
