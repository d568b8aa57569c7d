"""What each worker process remembers so that a token costs no database query.

``CachedJWTAuthentication`` (``authentication.py``) gives the answers of
simplejwt's ``JWTAuthentication`` while each worker remembers two things:

* **Tokens it has verified** (``verified_tokens``). A token's signature cannot
  change, so it is checked once; its expiry is checked again on every use.
  Only tokens that passed are remembered, keyed by the whole token.
* **The users those tokens belong to** (``known_users``), for at most
  ``JWT_USER_CACHE_SECONDS`` (settings; 30 by default, 0 reads the user on
  every request). Every request still runs simplejwt's checks (user active,
  password unchanged) on the remembered user.

How a change to a user (deactivated, deleted, new password, new permissions)
reaches the workers:

1. Saved through the ORM (``save()``, ``delete()``, the admin, ``manage.py``):
   the process that saved forgets the user at once (``signals.py``), and once
   the transaction commits it announces the change (``workers.py``). Every
   worker looks at the announcement at most once a second and then forgets
   every user it holds.
2. Written any other way (``QuerySet.update()``, raw SQL, another service):
   every worker reads the user again within ``JWT_USER_CACHE_SECONDS``, or at
   once after you call ``user_changed(user_id)``.
3. A user who fails a check is read again before the request is refused: the
   cache can delay a refusal (by the bounds above), never cause one. A new
   login after a password change elsewhere is accepted at once.

Refreshing a token checks its user through ``read_user`` with the same bounds
(``issuer/serializers.py``), and the default claims hook reads the names of
the user's groups through ``read_group_names``, kept with the user: a change
of a user's groups, or of a group, through the ORM reaches every worker as a
change of the user does (``signals.py``).
"""

import threading
import time
from datetime import timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.users.models import User

from .conf import jwt_auth_settings
from .password_stamp import password_stamps
from .workers import NO_NEWS, Announcement, remember_per_worker

# Bounds on what one worker keeps in memory (about 1 KB per entry).
MAX_TOKENS = 4096
MAX_USERS = 4096
# Announced whenever a user changes.
users_changed = Announcement("jwt_auth:users-changed")


def user_cache_seconds() -> float:
    """Return how long a worker may trust a user it read (0: not at all)."""
    return jwt_auth_settings.JWT_USER_CACHE_SECONDS


def leeway_seconds() -> float:
    """Return simplejwt's ``LEEWAY`` setting in seconds."""
    leeway = api_settings.LEEWAY or 0
    if isinstance(leeway, timedelta):
        return leeway.total_seconds()
    return leeway


class VerifiedTokens:
    """Tokens this process has verified, each until it expires."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: dict[bytes, tuple[Token, float]] = {}
        self._lock = threading.Lock()

    def get(self, raw_token: bytes) -> Token | None:
        """Return the verified token for ``raw_token`` if it has not expired."""
        entry = self._entries.get(raw_token)
        if entry is None or time.time() >= entry[1]:
            return None
        return entry[0]

    def add(self, raw_token: bytes, token: Token) -> None:
        """Remember ``token``, verified from ``raw_token``, until it expires."""
        expires_at = token["exp"] + leeway_seconds()
        with self._lock:
            _make_room(self._entries, self.max_entries)
            self._entries[raw_token] = (token, expires_at)

    def clear(self) -> None:
        """Forget every token."""
        with self._lock:
            self._entries.clear()


class UserSnapshot:
    """The field values of a user as read from the database."""

    def __init__(self, user: User) -> None:
        self.model = type(user)
        self.database = user._state.db
        # Each concrete field's value, by attribute name, in the model's order.
        self.fields = {
            field.attname: getattr(user, field.attname)
            for field in self.model._meta.concrete_fields
        }
        self.password = user.password
        # The names of the user's groups, once read (``read_group_names``).
        self.group_names: tuple[str, ...] | None = None
        # ``from_db`` runs ``Model.__init__``, field by field, and its
        # signals: the largest part of an authenticated request's own cost.
        # Unless something listens to those signals (receivers connect when
        # the apps are ready, before any user is read), a copy of the field
        # values gives the same instance five times faster.
        self.copyable = not (
            pre_init.has_listeners(self.model) or post_init.has_listeners(self.model)
        )
        # Password stamps of tokens that matched this user's (``stamp_matches``):
        # each is compared in constant time once, not at every request.
        self.matching_stamps: set[str] = set()

    def instance(self) -> User:
        """Return a new user instance, as if just loaded from the database."""
        if not self.copyable:
            return self.model.from_db(
                self.database, list(self.fields), list(self.fields.values())
            )
        user = self.model.__new__(self.model)
        user.__dict__.update(self.fields)
        user._state = ModelState()
        user._state.adding = False
        user._state.db = self.database
        return user


class KnownUsers:
    """Users this process has read, with when it read them.

    ``generation`` changes whenever users are forgotten, so that a read which
    started before a change cannot store what it read after it.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.generation = 0
        self._entries: dict[str, tuple[UserSnapshot, tuple[str, ...], float]] = {}
        self._lock = threading.Lock()
        self._news = users_changed.listener()

    def get(
        self, user_id: object, max_age: float
    ) -> tuple[UserSnapshot, tuple[str, ...]] | None:
        """Return ``(UserSnapshot, password stamps)`` if fresh, else None.

        Fresh: read less than ``max_age`` seconds ago, and since the last
        change another process announced.
        """
        if (news := self._news.poll()) is not NO_NEWS:
            self.forget_all()
            self._news.acknowledge(news)
        entry = self._entries.get(str(user_id))
        if entry is None:
            return None
        snapshot, stamps, read_at = entry
        if time.monotonic() - read_at >= max_age:
            return None
        return snapshot, stamps

    def reading(self) -> tuple[int, float]:
        """Return what ``add`` needs to know about a read that starts now."""
        return self.generation, time.monotonic()

    def add(
        self, user_id: object, snapshot: UserSnapshot, started: tuple[int, float]
    ) -> None:
        """Remember ``snapshot``, unless users were forgotten since the read ``started``."""
        generation, read_at = started
        stamps = password_stamps(snapshot.password)
        with self._lock:
            if generation != self.generation:
                return
            _make_room(self._entries, self.max_entries)
            self._entries[str(user_id)] = (snapshot, stamps, read_at)

    def add_group_names(
        self, user_id: object, names: tuple[str, ...], started: tuple[int, float]
    ) -> None:
        """Keep ``names`` with the user, unless users were forgotten since the read ``started``."""
        with self._lock:
            entry = self._entries.get(str(user_id))
            if entry is not None and started[0] == self.generation:
                entry[0].group_names = names

    def forget(self, user_id: object) -> None:
        """Forget the user ``user_id``, and any read of users under way."""
        with self._lock:
            self.generation += 1
            self._entries.pop(str(user_id), None)

    def forget_all(self) -> None:
        """Forget every user, and any read of users under way."""
        with self._lock:
            self.generation += 1
            self._entries.clear()

    def clear(self) -> None:
        """Forget every user, and the last announcement read."""
        self.forget_all()
        self._news.reset()


def _make_room(entries: dict, max_entries: int) -> None:
    """Drop the oldest entries of ``entries`` until one more fits."""
    while len(entries) >= max_entries:
        del entries[next(iter(entries))]


verified_tokens = VerifiedTokens(MAX_TOKENS)
known_users = KnownUsers(MAX_USERS)
remember_per_worker(verified_tokens, known_users)


def user_changed(user_id: object, using: str | None = None) -> None:
    """Make every worker read ``user_id`` again: this one now, others soon.

    Called by the receivers of ``signals.py`` when a user is saved or deleted;
    call it yourself after changing users with ``QuerySet.update()``.
    """
    known_users.forget(user_id)
    transaction.on_commit(partial(_announce, user_id), using=using, robust=True)


def all_users_changed(using: str | None = None) -> None:
    """Make every worker read every user again: a group was renamed or deleted."""
    known_users.forget_all()
    transaction.on_commit(_announce_all, using=using, robust=True)


def read_user(user_id: object, *, trust_cache: bool = True) -> User | None:
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


def read_group_names(user: User) -> tuple[str, ...]:
    """Return the names of ``user``'s groups, kept with the user while it is fresh.

    Read with the user's other fields' bounds (see above); no worker holds
    them for a user it does not hold.
    """
    user_id = getattr(user, api_settings.USER_ID_FIELD)
    max_age = user_cache_seconds()
    if max_age > 0:
        known = known_users.get(user_id, max_age)
        if known is not None and known[0].group_names is not None:
            return known[0].group_names
    started = known_users.reading()
    names = tuple(user.groups.values_list("name", flat=True))
    if max_age > 0:
        known_users.add_group_names(user_id, names, started)
    return names


def copy_token(token: Token) -> Token:
    """Return a copy of ``token`` with a payload of its own."""
    clone = object.__new__(type(token))
    attributes = token.__dict__.copy()
    attributes["payload"] = token.payload.copy()
    clone.__dict__ = attributes
    return clone


def _announce(user_id: object) -> None:
    known_users.forget(user_id)
    users_changed.publish()


def _announce_all() -> None:
    known_users.forget_all()
    users_changed.publish()
