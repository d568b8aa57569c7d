"""Disabling or deleting a client refuses its tokens on every worker within about a second.

The ids of revoked clients go under ``REVOKED_KEY`` of the shared cache, each
until its last token expires (``jwt_auth/service_clients.py`` says how
workers, and verifiers sharing the issuer's Redis, read them). The issuer's
workers also read the disabled clients from the database at each change, so
a cache that lost its keys cannot bring a disabled client back here.
"""

import logging
import time
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.jwt_auth.cache import leeway_seconds
from {{ cookiecutter.project_slug }}.jwt_auth.service_clients import (
    REVOKED_KEY,
    revoked_clients,
    revoked_in,
)

from .models import ServiceClient

logger = logging.getLogger(__name__)


def token_life_seconds() -> float:
    """Return how long a token granted now may be accepted."""
    return api_settings.ACCESS_TOKEN_LIFETIME.total_seconds() + leeway_seconds()


def announce(client_id: str, *, revoked: bool) -> None:
    """Record in the shared cache that ``client_id`` is revoked, or no longer is."""
    now = time.time()
    current = cache.get(REVOKED_KEY)
    entries = {
        key: until
        for key, until in (current.items() if isinstance(current, dict) else ())
        if isinstance(until, int | float) and until > now
    }
    if revoked:
        entries[client_id] = now + token_life_seconds()
    else:
        entries.pop(client_id, None)
    cache.set(REVOKED_KEY, entries, timeout=None)


def revoke(client_id: str, *, revoked: bool = True) -> None:
    """Refuse (or accept again) ``client_id``'s tokens here now, everywhere once committed."""
    if revoked:
        revoked_clients.add(client_id)
    else:
        revoked_clients.discard(client_id)

    def publish() -> None:
        try:
            announce(client_id, revoked=revoked)
        except Exception:
            # This issuer's workers read the database; verifiers miss it.
            logger.exception("Cannot announce the revocation of client %s", client_id)

    transaction.on_commit(publish)


def revoked_on_the_issuer(news: object) -> set[str]:
    """Return the revoked ids: the database's disabled clients and the cache's deleted ones."""
    disabled = ServiceClient.objects.filter(is_active=False).values_list(
        "client_id", flat=True
    )
    return set(disabled) | (revoked_in(news) or set())


def client_saved(sender: type, instance: ServiceClient, **kwargs: Any) -> None:
    revoke(instance.client_id, revoked=not instance.is_active)


def client_deleted(sender: type, instance: ServiceClient, **kwargs: Any) -> None:
    revoke(instance.client_id)


def connect_signals() -> None:
    """Announce every change to a client saved or deleted through the ORM."""
    post_save.connect(client_saved, sender=ServiceClient, dispatch_uid="client_saved")
    post_delete.connect(
        client_deleted, sender=ServiceClient, dispatch_uid="client_deleted"
    )
