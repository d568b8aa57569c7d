"""Events older than SECURITY_EVENT_RETENTION_DAYS are deleted by the cleanup."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from {{ cookiecutter.project_slug }}.security_events.cleanup import delete_old_events
from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
from {{ cookiecutter.project_slug }}.security_events.models import SecurityEvent

pytestmark = pytest.mark.django_db


def event_aged(days):
    event = record(Kind.LOGIN_FAILED, login_name=f"{days} days old")
    assert event is not None
    SecurityEvent.objects.filter(pk=event.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def kept():
    return sorted(SecurityEvent.objects.values_list("login_name", flat=True))


def test_events_past_the_retention_are_deleted(settings):
    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    for days in (1, 29, 31, 400):
        event_aged(days)

    assert delete_old_events() == 2
    assert kept() == ["1 days old", "29 days old"]


def test_deletion_goes_in_batches_to_the_end(settings):
    settings.SECURITY_EVENT_RETENTION_DAYS = 30
    for days in range(31, 36):
        event_aged(days)
    event_aged(3)

    assert delete_old_events(batch_size=2) == 5
    assert kept() == ["3 days old"]


def test_the_command_says_how_many_it_deleted(settings):
    settings.SECURITY_EVENT_RETENTION_DAYS = 7
    event_aged(8)
    output = StringIO()

    call_command("prune_security_events", stdout=output)

    assert output.getvalue() == "Deleted 1 security events.\n"
    assert kept() == []
