"""JWT authentication that does not read the database on every request.

simplejwt's ``JWTAuthentication`` decodes and checks the token's signature,
then reads the user from the database, on every request: that costs more than
the rest of a small request. ``CachedJWTAuthentication`` gives the same answers
while each worker process remembers two things:

* **Tokens it has verified.** A token's signature cannot change, so it is
  checked once; its expiry is checked again on every use. Only tokens that
  passed are remembered, keyed by the whole token.
* **The users those tokens belong to**, for at most ``JWT_USER_CACHE_SECONDS``
  (settings; 30 by default, 0 reads the user on every request). Every request
  still runs simplejwt's checks (user active, password unchanged) on the
  remembered user.

How a change to a user (deactivated, deleted, new password, new permissions)
reaches the workers:

1. Saved through the ORM (``save()``, ``delete()``, the admin, ``manage.py``):
   the process that saved forgets the user at once, and once the transaction
   commits it announces the change in the shared cache (``CACHES["default"]``:
   Redis, or files for the workers of one machine). Every worker looks at the
   announcement at most once a second and then forgets every user it holds.
2. Written any other way (``QuerySet.update()``, raw SQL, another service):
   every worker reads the user again within ``JWT_USER_CACHE_SECONDS``.
3. A user who fails a check is read again before the request is refused: the
   cache can delay a refusal (by the bounds above), never cause one. A new
   login after a password change elsewhere is accepted at once.

Refreshing a token checks its user through ``read_user`` with the same bounds
(``serializers.py``).
"""

import logging
import threading
import time
import uuid
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password

logger = logging.getLogger(__name__)

# The shared-cache key whose value changes whenever a user changes.
USERS_CHANGED_KEY = "jwt_auth:users-changed"
# How often a worker reads that key, at most.
ANNOUNCEMENT_POLL_SECONDS = 1.0
DEFAULT_USER_CACHE_SECONDS = 30
# Bounds on what one worker keeps in memory (about 1 KB per entry).
MAX_TOKENS = 4096
MAX_USERS = 4096
_NOT_READ = object()


def user_cache_seconds():
    """Return how long a worker may trust a user it read (0: not at all)."""
    return getattr(settings, "JWT_USER_CACHE_SECONDS", DEFAULT_USER_CACHE_SECONDS)


def leeway_seconds():
    """Return simplejwt's ``LEEWAY`` setting in seconds."""
    leeway = api_settings.LEEWAY or 0
    if isinstance(leeway, timedelta):
        return leeway.total_seconds()
    return leeway


class VerifiedTokens:
    """Tokens this process has verified, each until it expires."""

    def __init__(self, max_entries):
        self.max_entries = max_entries
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, raw_token):
        """Return the verified token for ``raw_token`` if it has not expired."""
        entry = self._entries.get(raw_token)
        if entry is None or time.time() >= entry[1]:
            return None
        return entry[0]

    def add(self, raw_token, token):
        expires_at = token["exp"] + leeway_seconds()
        with self._lock:
            _make_room(self._entries, self.max_entries)
            self._entries[raw_token] = (token, expires_at)

    def clear(self):
        with self._lock:
            self._entries.clear()


class KnownUsers:
    """Users this process has read, with when it read them.

    ``generation`` changes whenever users are forgotten, so that a read which
    started before a change cannot store what it read after it.
    """

    def __init__(self, max_entries):
        self.max_entries = max_entries
        self.generation = 0
        self._entries = {}
        self._lock = threading.Lock()
        self._next_poll = 0.0
        self._announcement = _NOT_READ

    def get(self, user_id, max_age):
        """Return ``(UserSnapshot, password fingerprint)`` if fresh, else None.

        Fresh: read less than ``max_age`` seconds ago, and since the last
        change another process announced.
        """
        now = time.monotonic()
        if now >= self._next_poll:
            self.check_announcement(now)
        entry = self._entries.get(str(user_id))
        if entry is None:
            return None
        snapshot, fingerprint, read_at = entry
        if now - read_at >= max_age:
            return None
        return snapshot, fingerprint

    def reading(self):
        """Return what ``add`` needs to know about a read that starts now."""
        return self.generation, time.monotonic()

    def add(self, user_id, snapshot, started):
        generation, read_at = started
        fingerprint = get_md5_hash_password(snapshot.password)
        with self._lock:
            if generation != self.generation:
                return
            _make_room(self._entries, self.max_entries)
            self._entries[str(user_id)] = (snapshot, fingerprint, read_at)

    def forget(self, user_id):
        with self._lock:
            self.generation += 1
            self._entries.pop(str(user_id), None)

    def clear(self):
        """Forget every user, and the last announcement read."""
        with self._lock:
            self.generation += 1
            self._entries.clear()
            self._announcement = _NOT_READ
            self._next_poll = 0.0

    def check_announcement(self, now):
        """Forget every user when another process has announced a change."""
        try:
            announcement = cache.get(USERS_CHANGED_KEY)
        except Exception:
            # Without the shared cache, trust nothing that may be stale.
            logger.exception("Cannot read %s from the cache", USERS_CHANGED_KEY)
            announcement = _NOT_READ
        if announcement is _NOT_READ or announcement != self._announcement:
            self.clear()
            self._announcement = announcement
        self._next_poll = now + ANNOUNCEMENT_POLL_SECONDS


def _make_room(entries, max_entries):
    """Drop the oldest entries of ``entries`` until one more fits."""
    while len(entries) >= max_entries:
        del entries[next(iter(entries))]


verified_tokens = VerifiedTokens(MAX_TOKENS)
known_users = KnownUsers(MAX_USERS)


def user_changed(user_id, using=None):
    """Make every worker read ``user_id`` again: this one now, others soon.

    Called by the signal handlers of ``users/signals.py`` when a user is saved or
    deleted; call it yourself after changing users with ``QuerySet.update()``.
    """
    known_users.forget(user_id)
    transaction.on_commit(partial(_announce, user_id), using=using, robust=True)


def read_user(user_id, *, trust_cache=True):
    """Return the user with ``user_id``, or None if there is none.

    From this worker's known users while they are fresh enough (see above),
    unless ``trust_cache`` is False; else from the database, remembering it.
    """
    max_age = user_cache_seconds()
    if trust_cache and max_age > 0:
        known = known_users.get(user_id, max_age)
        if known is not None:
            return known[0].instance()
    started = known_users.reading()
    model = get_user_model()
    try:
        user = model._default_manager.get(**{api_settings.USER_ID_FIELD: user_id})
    except model.DoesNotExist:
        return None
    if max_age > 0:
        known_users.add(user_id, UserSnapshot(user), started)
    return user


def _announce(user_id):
    known_users.forget(user_id)
    cache.set(USERS_CHANGED_KEY, uuid.uuid4().hex, timeout=None)


class CachedJWTAuthentication(JWTAuthentication):
    """simplejwt's ``JWTAuthentication``, without a query per request.

    See the module's documentation for what is cached and for how long.
    ``request.user`` and ``request.auth`` are new objects on every request: a
    view may change them.
    """

    def get_validated_token(self, raw_token):
        token = verified_tokens.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)
            verified_tokens.add(raw_token, token)
        return copy_token(token)

    def get_user(self, validated_token):
        max_age = user_cache_seconds()
        if max_age <= 0:
            return super().get_user(validated_token)
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        known = known_users.get(user_id, max_age)
        if known is not None:
            snapshot, fingerprint = known
            user = snapshot.instance()
            if self.passes_checks(validated_token, user, fingerprint):
                return user
        # Read the user, and let simplejwt refuse with its own errors.
        started = known_users.reading()
        user = super().get_user(validated_token)
        known_users.add(user_id, UserSnapshot(user), started)
        return user

    def passes_checks(self, validated_token, user, fingerprint):
        """Return True when ``user`` passes simplejwt's checks for this token."""
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            return False
        return not api_settings.CHECK_REVOKE_TOKEN or (
            validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) == fingerprint
        )


class UserSnapshot:
    """The field values of a user as read from the database."""

    def __init__(self, user):
        self.model = type(user)
        self.database = user._state.db
        self.field_names = [field.attname for field in self.model._meta.concrete_fields]
        self.values = tuple(getattr(user, name) for name in self.field_names)
        self.password = user.password

    def instance(self):
        """Return a new user instance, as if just loaded from the database."""
        return self.model.from_db(self.database, self.field_names, self.values)


def copy_token(token):
    """Return a copy of ``token`` with a payload of its own."""
    clone = object.__new__(type(token))
    clone.__dict__ = {**token.__dict__, "payload": dict(token.payload)}
    return clone
