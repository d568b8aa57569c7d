"""Delete the security events older than ``SECURITY_EVENT_RETENTION_DAYS``, in batches."""

from datetime import timedelta

from django.utils import timezone

from {{ cookiecutter.project_slug }}.database.batches import (
    DEFAULT_BATCH_SIZE,
    DEFAULT_PACING,
    Pacing,
    delete_in_batches,
)

from .conf import security_events_settings
from .models import SecurityEvent


def delete_old_events(
    batch_size: int = DEFAULT_BATCH_SIZE, pacing: Pacing = DEFAULT_PACING
) -> int:
    """Delete the events past their retention; return how many.

    Each batch is a short transaction of its own, followed by the rest of
    ``pacing``, so that logins (which write events) keep going while a large
    backlog is deleted.
    """
    days = security_events_settings.SECURITY_EVENT_RETENTION_DAYS
    old = SecurityEvent.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days)
    )
    return delete_in_batches(old, batch_size, pacing=pacing)
