"""A transaction waits for SQLite's write lock in short steps, up to the ``timeout`` option."""

import sqlite3
import threading
import time

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.db.utils import load_backend

ALIAS = "write_lock_waiter"
# Long enough for SQLite's own busy handler to sleep 25 to 100 ms between tries
# (it would start the waiting transaction about 90 ms after the release).
HELD_SECONDS = 0.24
RELEASE_TO_BEGIN_SECONDS = 0.04
ATTEMPTS = 3
SHORT_TIMEOUT_SECONDS = 0.2


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """Return a function that opens a file in ``tmp_path`` with the project's backend.

    Its keyword arguments replace the project's ``OPTIONS``; the connection
    answers to ``transaction.atomic(using=ALIAS)``.
    """
    path = tmp_path / "db.sqlite3"
    settings_dict = connection.settings_dict
    backend = load_backend(settings_dict["ENGINE"])

    def open_database(**options):
        options = {**settings_dict["OPTIONS"], **options}
        wrapper = backend.DatabaseWrapper(
            {**settings_dict, "NAME": str(path), "OPTIONS": options}, ALIAS
        )
        wrapper.ensure_connection()
        connections[ALIAS] = wrapper
        opened.append(wrapper)
        return path

    opened: list = []
    with django_db_blocker.unblock():
        yield open_database
        for wrapper in opened:
            wrapper.close()
            del connections[ALIAS]


class HeldLock:
    """The write lock of ``path``, held by a second connection for ``seconds`` at most.

    A context manager: the lock is released at its end, if not before.
    """

    def __init__(self, path, seconds):
        self.released_at: list[float] = []
        self._holder = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False
        )
        self._holder.execute("BEGIN IMMEDIATE")
        self._release = threading.Event()
        self._timers: list[threading.Timer] = []
        self._thread = threading.Thread(target=self._hold, args=(seconds,))
        self._thread.start()

    def _hold(self, seconds):
        self._release.wait(seconds)
        self.released_at.append(time.monotonic())
        self._holder.execute("COMMIT")

    def release_in(self, seconds):
        """Release the lock ``seconds`` from now instead."""
        timer = threading.Timer(seconds, self._release.set)
        self._timers.append(timer)
        timer.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        for timer in self._timers:
            timer.cancel()
        self._release.set()
        self._thread.join()
        self._holder.close()


def test_a_transaction_begins_within_milliseconds_of_the_write_lock_release(
    database,
):
    # Also the contract with Django: it fails the day Django stops beginning
    # transactions through _start_transaction_under_autocommit().
    path = database()
    delays = []

    # The quickest of a few waits: a busy machine can hold back any one thread
    # for tens of milliseconds, while SQLite's handler is late every time.
    for attempt in range(ATTEMPTS):
        with (
            HeldLock(path, HELD_SECONDS) as lock,
            transaction.atomic(using=ALIAS),
            connections[ALIAS].cursor() as cursor,
        ):
            began = time.monotonic()
            cursor.execute("CREATE TABLE IF NOT EXISTS written (value TEXT)")
            cursor.execute("INSERT INTO written VALUES (%s)", [f"after wait {attempt}"])
        delays.append(began - lock.released_at[0])

    assert all(delay > 0 for delay in delays)
    assert min(delays) < RELEASE_TO_BEGIN_SECONDS
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT value FROM written")
        assert cursor.fetchall() == [(f"after wait {n}",) for n in range(ATTEMPTS)]


def test_a_transaction_gives_up_with_database_is_locked_after_the_timeout_option(
    database,
):
    path = database(timeout=SHORT_TIMEOUT_SECONDS)

    with HeldLock(path, seconds=10):
        started = time.monotonic()
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(using=ALIAS),
        ):
            pass
        waited = time.monotonic() - started

    assert SHORT_TIMEOUT_SECONDS <= waited < SHORT_TIMEOUT_SECONDS + 0.3


def test_statements_outside_transactions_still_wait_for_the_lock_after_a_transaction_gave_up(
    database,
):
    path = database(timeout=SHORT_TIMEOUT_SECONDS)

    with HeldLock(path, seconds=10) as lock:
        with (
            pytest.raises(OperationalError, match="database is locked"),
            transaction.atomic(using=ALIAS),
        ):
            pass
        # Well within the timeout, which SQLite's busy handler waits again.
        lock.release_in(SHORT_TIMEOUT_SECONDS / 10)
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("CREATE TABLE written (value TEXT)")

    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM written")
        assert cursor.fetchall() == [(0,)]
