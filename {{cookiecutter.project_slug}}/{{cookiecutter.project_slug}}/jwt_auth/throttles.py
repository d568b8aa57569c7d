"""Brute-force throttling of the token endpoints, counted in the shared cache.

Obtaining a token is limited per client address and per username, refreshing
per client address; the rates come from ``DEFAULT_THROTTLE_RATES`` (set from
the environment in ``config/settings/base.py``). An exceeded limit answers 429
with ``Retry-After``.

DRF's own throttles keep a list of request times: each request reads it,
appends and writes it back, so concurrent requests on several workers
overwrite each other's entries and a burst gets through several times the
rate. These count with one increment per request instead, atomic in Redis and
in the local memory cache. With the file cache that the workers of one machine
share, each counter is a small file of its own in the cache's folder, changed
under an exclusive lock on that file.
"""

import functools
import hashlib
import os
import random
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks
from django.utils.module_loading import import_string
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def parse_rate(rate):
    """Return ``(requests, seconds)`` for a rate such as ``"20/minute"``.

    The period is read from its first letter, as DRF does: ``s``, ``m``,
    ``h`` or ``d``. Raise ValueError for anything else.
    """
    number, _, period = str(rate).partition("/")
    if not number.isdigit() or period[:1] not in PERIODS:
        message = f"{rate!r} is not a rate such as '20/minute'."
        raise ValueError(message)
    return int(number), PERIODS[period[0]]


def count_request(cache, key, timeout):
    """Add one to the counter ``key`` in ``cache`` and return its new value.

    ``add`` creates the counter only if it is missing and ``incr`` adds to it,
    both atomically in Redis and in the local memory cache. The file cache
    does neither, so it gets counter files of its own.
    """
    if isinstance(cache, FileBasedCache):
        return count_in_file(Path(cache._dir), key, timeout)  # The cache's folder.
    if cache.add(key, 1, timeout):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # The counter expired between add and incr.
        cache.set(key, 1, timeout)
        return 1


COUNTER_SUFFIX = ".throttle"
# "<expiry> <count>", padded: rewriting a record of the same length in place
# costs microseconds, where truncating the file first costs a journal write.
COUNTER_RECORD_BYTES = 40
# A window lasts a day at most; older counter files are left-overs.
STALE_COUNTER_SECONDS = 2 * 24 * 60 * 60


def count_in_file(directory, key, timeout):
    """Add one to the counter ``key`` kept in a file of ``directory``; return it.

    The file is changed under an exclusive lock on it, so the workers of one
    machine count every request. The cache's own add and incr would pickle,
    rename and list the whole folder on each write.
    """
    directory.mkdir(parents=True, exist_ok=True)
    name = hashlib.sha256(key.encode()).hexdigest()[:40] + COUNTER_SUFFIX
    descriptor = os.open(directory / name, os.O_RDWR | os.O_CREAT, 0o600)
    # Unbuffered: the record is written before the lock is released.
    with os.fdopen(descriptor, "r+b", buffering=0) as counter:
        locks.lock(counter, locks.LOCK_EX)
        try:
            now = time.time()
            expires_at, _, count = counter.read(COUNTER_RECORD_BYTES).partition(b" ")
            if count.strip() and float(expires_at) > now:
                expires_at, count = float(expires_at), int(count) + 1
            else:
                expires_at, count = now + timeout, 1
            counter.seek(0)
            counter.write(
                f"{expires_at:.3f} {count}".encode().ljust(COUNTER_RECORD_BYTES)
            )
        finally:
            locks.unlock(counter)
    if count == 1 and random.random() < 1 / 256:  # noqa: S311 - not a secret
        remove_stale_counters(directory)
    return count


def remove_stale_counters(directory):
    """Delete the counter files no window can still use."""
    oldest = time.time() - STALE_COUNTER_SECONDS
    for path in directory.glob(f"*{COUNTER_SUFFIX}"):
        try:
            if path.stat().st_mtime < oldest:
                path.unlink()
        except FileNotFoundError:
            pass  # Another worker removed it first.


@functools.cache
def view_class(path):
    """Return the view class at the dotted ``path``.

    Imported on first use: DRF imports this module while it builds APIView,
    before any view can be imported.
    """
    return import_string(path)


class FixedWindowThrottle(SimpleRateThrottle):
    """Allow a number of requests per clock-aligned window, for some views only.

    Subclasses name a ``scope`` (its rate is ``DEFAULT_THROTTLE_RATES[scope]``),
    the ``views`` they apply to (dotted paths of view classes, subclasses
    included), and how ``get_cache_key`` identifies the requester (None: do not
    count this request).
    """

    views = ()
    cache_format = "throttle:%(scope)s:%(ident)s"

    def get_rate(self):
        # DRF binds the rates when it is imported; read them now, so that
        # the settings of this process (and of a test) apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def parse_rate(self, rate):
        return (None, None) if rate is None else parse_rate(rate)

    def allow_request(self, request, view):
        if self.rate is None or not self.applies_to(view):
            return True
        ident_key = self.get_cache_key(request, view)
        if ident_key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        key = f"{ident_key}:{self.duration}:{window}"
        # The window number is part of the key: a new window starts a new
        # counter, and the old one expires on its own.
        timeout = int(self.window_end - self.now) + 1
        return count_request(caches["default"], key, timeout) <= self.num_requests

    def wait(self):
        return self.window_end - self.now

    def applies_to(self, view):
        return isinstance(view, tuple(view_class(path) for path in self.views))

    def client_key(self, request):
        """Return the cache key that counts requests from the client's address.

        The address is the connection's, unless ``NUM_PROXIES`` says how many
        proxies in front of the service append to ``X-Forwarded-For``.
        """
        return self.cache_format % {
            "scope": self.scope,
            "ident": self.get_ident(request),
        }


class TokenObtainClientThrottle(FixedWindowThrottle):
    """Attempts to obtain a token from one client address."""

    scope = "token_obtain_per_client"
    views = ("rest_framework_simplejwt.views.TokenObtainPairView",)

    def get_cache_key(self, request, view):
        return self.client_key(request)


class TokenObtainUsernameThrottle(FixedWindowThrottle):
    """Attempts to obtain a token for one username, from any address.

    Usernames are compared case-insensitively, and the cache keeps a hash of
    them rather than the names people typed.
    """

    scope = "token_obtain_per_username"
    views = ("rest_framework_simplejwt.views.TokenObtainPairView",)

    def get_cache_key(self, request, view):
        data = request.data
        username = (
            data.get(get_user_model().USERNAME_FIELD) if hasattr(data, "get") else None
        )
        if not isinstance(username, str) or not username:
            return None  # The serializer refuses the request with 400.
        digest = hashlib.sha256(username.casefold().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}


class TokenRefreshClientThrottle(FixedWindowThrottle):
    """Refreshes from one client address."""

    scope = "token_refresh_per_client"
    views = ("rest_framework_simplejwt.views.TokenRefreshView",)

    def get_cache_key(self, request, view):
        return self.client_key(request)
