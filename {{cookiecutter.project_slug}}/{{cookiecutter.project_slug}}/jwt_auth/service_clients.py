"""Tokens of service clients (RFC 6749, section 4.4): who they are, and when they end.

The issuer grants a service client an access token whose ``sub`` is
``client:<client id>`` with the ``client_id`` and ``scope`` claims
(``service_clients/grant.py``). Such a token never stands for a user:
``request.user`` is a ``ServicePrincipal`` here, never a user of the database
nor simplejwt's ``TokenUser``; ``HasScope`` authorizes it.

Disabling or deleting a client refuses its tokens before they expire, the
way ended sessions are (``workers.py``): the issuer keeps the ids of revoked
clients, each until its last token expires, under ``REVOKED_KEY`` of the
shared cache; every worker reads that key at most once a second and refuses
the tokens of the clients it names. A verifier sharing the issuer's Redis
(``REDIS_URL``) reads the same key; a verifier without it never hears of a
revocation and refuses those tokens when they expire. The issuer's workers
also read its database (``service_clients/apps.py`` sets ``reader``).
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from .permissions import token_scopes
from .workers import NO_NEWS, UNREADABLE, Listener, remember_per_worker

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "client:"
CLIENT_ID_CLAIM = "client_id"
REVOKED_KEY = "service_clients:revoked"
# The longest client id (the column of service_clients.ServiceClient).
MAX_CLIENT_ID_LENGTH = 64
CLIENT_REVOKED = _("The token's service client is disabled or deleted.")


def is_service_subject(value: object) -> bool:
    """Return True for the ``sub`` of a service client's token: ``client:<id>``."""
    return (
        isinstance(value, str)
        and value.startswith(SUBJECT_PREFIX)
        and 0 < len(value) - len(SUBJECT_PREFIX) <= MAX_CLIENT_ID_LENGTH
    )


def is_service_token(token: object) -> bool:
    """Return True when ``token`` (a simplejwt token) was granted to a service client."""
    getter = getattr(token, "get", None)
    return callable(getter) and is_service_subject(getter(api_settings.USER_ID_CLAIM))


class ServicePrincipal:
    """``request.user`` for a service client's token: authenticated, never a user.

    No ``id`` or ``pk`` that code could take for a user's; ``client_id`` and
    ``scopes`` say which client it is and what its token allows.
    """

    is_service_client = True
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, client_id: str, scopes: Iterable[str]) -> None:
        self.client_id = client_id
        self.scopes = frozenset(scopes)

    def __str__(self) -> str:
        return f"{SUBJECT_PREFIX}{self.client_id}"

    def __repr__(self) -> str:
        return f"<ServicePrincipal {self.client_id}>"


def service_client_of(token: Token) -> ServicePrincipal:
    """Return ``request.user`` for a service client's ``token``; refuse a revoked client's.

    A dict lookup, no query: the revoked clients are remembered per worker.
    """
    client_id = token.get(CLIENT_ID_CLAIM)
    if (
        not isinstance(client_id, str)
        or token.get(api_settings.USER_ID_CLAIM) != f"{SUBJECT_PREFIX}{client_id}"
    ):
        raise InvalidToken(str(_("Token is invalid")))
    if client_id in revoked_clients:
        raise InvalidToken(str(CLIENT_REVOKED))
    return ServicePrincipal(client_id, token_scopes(token))


def revoked_in(news: object) -> set[str] | None:
    """Return the client ids the value of ``REVOKED_KEY`` names, until they expire.

    None when the cache cannot be read: keep what is known.
    """
    if news is UNREADABLE:
        return None
    if not isinstance(news, dict):
        return set()
    now = time.time()
    return {
        client_id
        for client_id, until in news.items()
        if isinstance(until, int | float) and until > now
    }


class RevokedClients:
    """The ids of the revoked clients whose tokens may still be alive, per worker."""

    def __init__(self) -> None:
        self._revoked: frozenset[str] = frozenset()
        self._news = Listener(REVOKED_KEY)
        self._lock = threading.Lock()
        # How a worker turns the announced value into the revoked ids.
        self.reader: Callable[[object], set[str] | None] = revoked_in

    def __contains__(self, client_id: str) -> bool:
        if (news := self._news.poll()) is not NO_NEWS:
            self.read(news)
        return client_id in self._revoked

    def read(self, news: object) -> None:
        """Read the revoked ids from ``news`` (the value of ``REVOKED_KEY``)."""
        try:
            revoked = self.reader(news)
        except Exception:
            logger.exception("Cannot read the revoked service clients")
            return
        if revoked is not None:
            with self._lock:
                self._revoked = frozenset(revoked)
            self._news.acknowledge(news)

    def add(self, client_id: str) -> None:
        """Refuse ``client_id`` in this worker at once (others follow the cache)."""
        with self._lock:
            self._revoked = self._revoked | {client_id}

    def discard(self, client_id: str) -> None:
        """Accept ``client_id`` again in this worker."""
        with self._lock:
            self._revoked = self._revoked - {client_id}

    def clear(self) -> None:
        """Forget everything (tests start from nothing)."""
        with self._lock:
            self._revoked = frozenset()
        self._news.reset()


revoked_clients = RevokedClients()
remember_per_worker(revoked_clients)
