"""Delete the security events older than ``SECURITY_EVENT_RETENTION_DAYS``, in batches."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .conf import security_events_settings
from .models import SecurityEvent

DEFAULT_BATCH_SIZE = 2000


def delete_old_events(batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Delete the events past their retention; return how many.

    Each batch is a short transaction of its own, chosen by the indexed
    ``created_at``, so that logins (which write events) keep going while
    a large backlog is deleted.
    """
    days = security_events_settings.SECURITY_EVENT_RETENTION_DAYS
    old = SecurityEvent.objects.filter(
        created_at__lt=timezone.now() - timedelta(days=days)
    ).order_by("pk")
    total = 0
    # Each batch starts after the last one, not over the rows just deleted.
    while batch := list(old.values_list("pk", flat=True)[:batch_size]):
        with transaction.atomic():
            SecurityEvent.objects.filter(pk__in=batch).delete()
        total += len(batch)
        old = old.filter(pk__gt=batch[-1])
    return total
