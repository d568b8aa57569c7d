"""Delete what can no longer be used, in batches, so that the token tables stay small.

simplejwt records every refresh token it issues and never deletes one (its
``flushexpiredtokens`` deletes them in one statement, which holds locks on
the whole lot). Here each batch is a short transaction of its own, chosen by
indexed columns, so that logins and refreshes keep going while it runs.
"""

import time
from datetime import UTC, datetime

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from {{ cookiecutter.project_slug }}.database.batches import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_PACING,
    Pacing,
    delete_in_batches,
)
{% if cookiecutter.mfa == "totp" -%}
from {{ cookiecutter.project_slug }}.mfa.challenges import dead_challenges
{% endif -%}
from {{ cookiecutter.project_slug }}.security_events.cleanup import delete_old_events

from .ended import remembered_for
from .models import Session

# The shared-cache key the cleanup writes when it finishes (checks.py reads it).
LAST_CLEANUP_KEY = "token_sessions:last-cleanup"


def delete_expired(
    batch_size: int = DEFAULT_BATCH_SIZE, pacing: Pacing = DEFAULT_PACING
) -> dict[str, int]:
    """Delete expired tokens, finished sessions and old security events; return counts.

    Outstanding tokens past their expiry go with their blacklist entries;
    sessions go once nothing of them can be used: expired, or ended longer
    ago than an access token lives (workers no longer need to know them);
    security events once older than ``SECURITY_EVENT_RETENTION_DAYS``.
    ``pacing`` says how long to rest after each batch.
    """
    now = timezone.now()
    tokens = OutstandingToken.objects.filter(expires_at__lt=now)
    finished = Session.objects.filter(
        Q(expires_at__lt=now) | Q(ended_at__lt=now - remembered_for())
    )
    deleted = {
        "outstanding tokens": delete_in_batches(
            tokens,
            batch_size,
            referencing=[(BlacklistedToken, "token")],
            pacing=pacing,
        ),
        "sessions": delete_in_batches(finished, batch_size, pacing=pacing),
        "security events": delete_old_events(batch_size, pacing),
{%- if cookiecutter.mfa == "totp" %}
        "mfa tokens": delete_in_batches(dead_challenges(), batch_size, pacing=pacing),
{%- endif %}
    }
    cache.set(LAST_CLEANUP_KEY, time.time(), timeout=None)
    return deleted


def last_cleanup() -> datetime | None:
    """Return when the cleanup last finished, as the shared cache remembers it."""
    finished = cache.get(LAST_CLEANUP_KEY)
    if finished is None:
        return None
    return datetime.fromtimestamp(finished, tz=UTC)
