"""What each worker process remembers, and how a change made in one reaches the others.

Workers keep in memory what spares them a query per request: the tokens they
verified and the users they read (``cache.py``), the sessions that ended
(``token_sessions/ended.py``). A process that changes something the others may
remember announces it once its transaction commits: a new random value under
a key of the shared cache (``CACHES["default"]``: Redis, or files for the
workers of one machine). Every worker reads that key at most once a second
and, when the value changed, drops or reads again what it remembers. When the
shared cache cannot be read, a worker trusts nothing it remembers.

Every such memory is registered with ``remember_per_worker`` so that
``clear_worker_caches`` (the tests' setup) forgets them all.
"""

import logging
import time
import uuid
from typing import Protocol

from django.core.cache import cache

logger = logging.getLogger(__name__)

# How often a worker reads an announcement, at most.
POLL_SECONDS = 1.0
# What a poll returns when nothing new was announced, or no poll is due.
NO_NEWS = object()
# What a poll returns when the shared cache cannot be read.
UNREADABLE = object()
# After the shared cache failed to answer, how long every poll leaves it alone
# (meanwhile its news is UNREADABLE: the worker trusts nothing it remembers).
# A cache that hangs then costs a worker one timeout per pause, not one per
# poll of each memory: with Redis, REDIS_CACHE_OPTIONS of the settings bound it.
CACHE_PAUSE_SECONDS = 30.0


class Announcement:
    """One key of the shared cache whose value changes at every announced change."""

    def __init__(self, key: str) -> None:
        self.key = key

    def publish(self) -> None:
        """Tell every worker that something changed (call once it is committed)."""
        cache.set(self.key, uuid.uuid4().hex, timeout=None)

    def listener(self) -> "Listener":
        """Return what one worker's memory uses to hear this announcement."""
        return Listener(self.key)


class Listener:
    """One worker's view of an announcement: what it last acted on, when it looks next."""

    def __init__(self, key: str) -> None:
        self.key = key
        self._seen: object = UNREADABLE
        self._next_poll = 0.0

    def poll(self) -> object:
        """Return the value to ``acknowledge`` once acted on, or ``NO_NEWS``.

        Reads the shared cache at most once every ``POLL_SECONDS``; a cache
        that cannot be read is news at every poll (``UNREADABLE``).
        """
        now = time.monotonic()
        if now < self._next_poll:
            return NO_NEWS
        self._next_poll = now + POLL_SECONDS
        if cache_pause.is_on(now):
            return UNREADABLE
        try:
            value = cache.get(self.key)
        except Exception:
            logger.exception(
                "Cannot read %s from the cache; trying again in %s s",
                self.key,
                CACHE_PAUSE_SECONDS,
            )
            cache_pause.start(now)
            return UNREADABLE
        if self._seen is UNREADABLE or value != self._seen:
            return value
        return NO_NEWS

    def acknowledge(self, value: object) -> None:
        """Record that this worker has acted on ``value`` (from ``poll``)."""
        self._seen = value

    def reset(self) -> None:
        """Forget the last value seen: the next poll is news."""
        self._seen = UNREADABLE
        self._next_poll = 0.0


class CachePause:
    """The time until which this worker's polls do not ask the shared cache."""

    def __init__(self) -> None:
        self._until = 0.0

    def is_on(self, now: float) -> bool:
        return now < self._until

    def start(self, now: float) -> None:
        self._until = now + CACHE_PAUSE_SECONDS

    def clear(self) -> None:
        """Ask the cache again at the next poll (tests start from nothing)."""
        self._until = 0.0


class WorkerCache(Protocol):
    def clear(self) -> None:
        """Forget everything remembered, as in a new process."""


_worker_caches: list[WorkerCache] = []


def remember_per_worker(*memories: WorkerCache) -> None:
    """Register ``memories`` as remembered per worker, so tests can clear them."""
    _worker_caches.extend(memories)


def clear_worker_caches() -> None:
    """Forget everything every worker cache remembers (tests start from nothing)."""
    for memory in _worker_caches:
        memory.clear()


cache_pause = CachePause()
remember_per_worker(cache_pause)
