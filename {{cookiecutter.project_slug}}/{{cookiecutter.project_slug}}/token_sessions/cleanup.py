"""Delete what can no longer be used, in batches, so that the token tables stay small.

simplejwt records every refresh token it issues and never deletes one (its
``flushexpiredtokens`` deletes them in one statement, which holds locks on
the whole lot). Here each batch is a short transaction of its own, chosen by
indexed columns, so that logins and refreshes keep going while it runs.
"""

import time
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

{% if cookiecutter.mfa == "totp" -%}
from {{ cookiecutter.project_slug }}.mfa.challenges import dead_challenges
from {{ cookiecutter.project_slug }}.mfa.models import LoginChallenge
{% endif -%}
from {{ cookiecutter.project_slug }}.security_events.cleanup import delete_old_events

from .ended import remembered_for
from .models import Session

DEFAULT_BATCH_SIZE = 2000
# The shared-cache key the cleanup writes when it finishes (checks.py reads it).
LAST_CLEANUP_KEY = "token_sessions:last-cleanup"


def delete_expired(batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, int]:
    """Delete expired tokens, finished sessions and old security events; return counts.

    Outstanding tokens past their expiry go with their blacklist entries;
    sessions go once nothing of them can be used: expired, or ended longer
    ago than an access token lives (workers no longer need to know them);
    security events once older than ``SECURITY_EVENT_RETENTION_DAYS``.
    """
    now = timezone.now()
    tokens = OutstandingToken.objects.filter(expires_at__lt=now)
    sessions = Session.objects.filter(expires_at__lt=now)
    ended = Session.objects.filter(ended_at__lt=now - remembered_for())
    deleted = {
        "outstanding tokens": delete_in_batches(
            tokens, batch_size, delete_rows(OutstandingToken)
        ),
        "sessions": delete_in_batches(sessions, batch_size, delete_rows(Session))
        + delete_in_batches(ended, batch_size, delete_rows(Session)),
        "security events": delete_old_events(batch_size),
{%- if cookiecutter.mfa == "totp" %}
        "mfa tokens": delete_in_batches(
            dead_challenges(), batch_size, delete_rows(LoginChallenge)
        ),
{%- endif %}
    }
    cache.set(LAST_CLEANUP_KEY, time.time(), timeout=None)
    return deleted


def delete_in_batches(
    rows: QuerySet, batch_size: int, delete: Callable[[list[object]], None]
) -> int:
    """Call ``delete`` with the primary keys of ``rows``, ``batch_size`` at a time.

    Batches follow the primary key, so that each one starts where the last
    ended: going back to the start would make every batch step over the rows
    just deleted (still in the table until vacuumed), and a million rows take
    quadratic time. Deleting an outstanding token deletes its blacklist entry
    too (Django's cascade, one statement per batch).
    """
    total = 0
    rows = rows.order_by("pk")
    last = None
    while True:
        after = rows if last is None else rows.filter(pk__gt=last)
        batch = list(after.values_list("pk", flat=True)[:batch_size])
        if not batch:
            return total
        with transaction.atomic():
            delete(batch)
        total += len(batch)
        last = batch[-1]


def delete_rows(model: type[Model]) -> Callable[[list[object]], None]:
    """Return a function deleting the rows of ``model`` with the given keys."""

    def delete(ids: list[object]) -> None:
        # Only the keys: what the cascade needs, not the rows' contents.
        model._default_manager.filter(pk__in=ids).only("pk").delete()

    return delete


def last_cleanup() -> datetime | None:
    """Return when the cleanup last finished, as the shared cache remembers it."""
    finished = cache.get(LAST_CLEANUP_KEY)
    if finished is None:
        return None
    return datetime.fromtimestamp(finished, tz=UTC)
