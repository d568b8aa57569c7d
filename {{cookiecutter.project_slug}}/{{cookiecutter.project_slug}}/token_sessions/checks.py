"""Deploy check: something must delete expired tokens, or their tables grow forever."""

from collections.abc import Sequence
from datetime import timedelta

from django.apps import AppConfig
from django.core import checks
from django.utils import timezone

from .cleanup import last_cleanup
from .conf import token_sessions_settings

# Twice the daily schedule the README suggests.
CLEANUP_OVERDUE = timedelta(days=2)


def check_cleanup_is_scheduled(
    app_configs: Sequence[AppConfig] | None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Warn when no cleanup is declared scheduled and none ran in two days.

    The environment declares it (``JWT_TOKEN_CLEANUP_SCHEDULED``, set next to
    the schedule: compose's cleanup service, a CronJob); a cleanup that ran
    recently proves it (it leaves its time in the shared cache).
    """
    if token_sessions_settings.JWT_TOKEN_CLEANUP_SCHEDULED:
        return []
    try:
        finished = last_cleanup()
    except Exception:  # An unreachable cache proves nothing.
        finished = None
    if finished is not None and timezone.now() - finished < CLEANUP_OVERDUE:
        return []
    return [
        checks.Warning(
            "Nothing deletes expired tokens: the outstanding-token, blacklist "
            "and session tables grow with every login and refresh.",
            hint=(
                "Schedule 'python manage.py prune_tokens' (daily or more often: "
                "compose's cleanup service, cron, a Kubernetes CronJob) and set "
                "JWT_TOKEN_CLEANUP_SCHEDULED=true where the service runs."
            ),
            id="token_sessions.W001",
        )
    ]
