"""What each worker knows of ended sessions, so that a request costs no query.

An access token lives on until it expires; ending its session must refuse it
sooner. Every worker keeps the ids of the sessions ended within the access
token lifetime in a set, and ``SessionJWTAuthentication`` looks the token's
``sid`` up in it: a dict lookup per request, never a query.

How an end reaches the workers, the way a changed user does
(``jwt_auth/workers.py``): the process that ends a session adds it to its own
set at once and, once the transaction commits, announces it
(``sessions_ended``). Every worker reads the announcement at most once a
second; when it changed, the worker reads the sessions ended since its last read from the database (one indexed
query per change and worker, not per request). So an ended session's access
tokens are refused everywhere within about a second. Without the shared
cache, a worker reads the database once a second: it never trusts stale state.
"""

import logging
import threading
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import DatabaseError
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.jwt_auth.cache import leeway_seconds
from {{ cookiecutter.project_slug }}.jwt_auth.workers import (
    NO_NEWS,
    Announcement,
    remember_per_worker,
)

from .models import Session

logger = logging.getLogger(__name__)

# Announced whenever sessions end.
sessions_ended = Announcement("token_sessions:ended")
# Read again what ended this long before the last read: ends committed late,
# and clocks of machines that differ a little.
READ_MARGIN = timedelta(seconds=60)


def remembered_for() -> timedelta:
    """Return how long an ended session matters: its access tokens' longest life."""
    return api_settings.ACCESS_TOKEN_LIFETIME + timedelta(seconds=leeway_seconds())


class EndedSessions:
    """Ids of the sessions ended within the access token lifetime, per worker."""

    def __init__(self) -> None:
        self._ended: dict[str, datetime] = {}
        self._lock = threading.Lock()
        self._news = sessions_ended.listener()
        self._read_until: datetime | None = None

    def __contains__(self, session_id: str) -> bool:
        if (news := self._news.poll()) is not NO_NEWS:
            self.read_announced(news)
        return session_id in self._ended

    def add(self, session_ids: Iterable[str], ended_at: datetime) -> None:
        """Remember sessions this process has just ended."""
        with self._lock:
            for session_id in session_ids:
                self._ended[str(session_id)] = ended_at

    def clear(self) -> None:
        """Forget everything (tests start from nothing)."""
        with self._lock:
            self._ended = {}
            self._read_until = None
        self._news.reset()

    def read_announced(self, news: object) -> None:
        """Read the sessions ended since the last read, as another process announced."""
        try:
            self.read_ended()
        except DatabaseError:
            # Nothing can end a session while the database is away: keep
            # what is known, read again at the next poll, answer no 500.
            logger.exception("Cannot read the ended sessions")
        else:
            self._news.acknowledge(news)

    def read_ended(self) -> None:
        """Add the sessions ended since the last read; drop those that no longer matter."""
        started = timezone.now()
        oldest = started - remembered_for()
        since = oldest
        if self._read_until is not None:
            since = max(oldest, self._read_until - READ_MARGIN)
        rows = Session.objects.filter(ended_at__gte=since).values_list("id", "ended_at")
        with self._lock:
            ended = {
                key: value for key, value in self._ended.items() if value >= oldest
            }
            ended.update(
                (str(session_id), ended_at)
                for session_id, ended_at in rows
                if ended_at is not None  # The filter above; the column is nullable.
            )
            # Replaced whole: readers never see a dict being changed.
            self._ended = ended
            self._read_until = started


ended_sessions = EndedSessions()
remember_per_worker(ended_sessions)
