"""record(): one row and one JSON line per event, no secret, never an error."""

import json
import logging
import uuid
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.db import transaction
from django.test import RequestFactory

from {{ cookiecutter.project_slug }}.security_events.events import (
    REDACTED,
    Kind,
    logger,
    record,
)
from {{ cookiecutter.project_slug }}.security_events.models import SecurityEvent

from .event_logs import LinesHandler, every_log_line, security_lines

pytestmark = pytest.mark.django_db


def a_request(**meta):
    return RequestFactory().post("/api/somewhere/", REMOTE_ADDR="198.51.100.7", **meta)


def test_an_event_is_saved_with_its_user_client_and_details(user):
    event = record(
        Kind.PASSWORD_CHANGED,
        request=a_request(HTTP_USER_AGENT="curl/8.5"),
        user=user,
        sessions_ended=2,
    )

    saved = SecurityEvent.objects.get()
    assert saved == event
    assert saved.kind == "password_changed"
    assert saved.user == user
    assert saved.login_name == user.get_username()
    assert saved.client_address == "198.51.100.7"
    assert saved.user_agent == "curl/8.5"
    assert saved.details == {"sessions_ended": 2}


def test_an_event_without_user_keeps_the_login_name_given():
    record(Kind.PASSWORD_RESET_REQUESTED, login_name="nobody@example.com")

    saved = SecurityEvent.objects.get()
    assert saved.user is None
    assert saved.login_name == "nobody@example.com"
    assert saved.client_address == ""


def test_a_long_user_agent_is_cut_to_the_column():
    record(Kind.LOGIN_FAILED, request=a_request(HTTP_USER_AGENT="x" * 1000))

    assert len(SecurityEvent.objects.get().user_agent) == 256


def test_an_event_outlives_its_user(user):
    record(Kind.SIGNED_UP, user=user)
    username = user.get_username()

    user.delete()

    saved = SecurityEvent.objects.get()
    assert saved.user is None
    assert saved.login_name == username


def test_details_named_like_secrets_are_redacted(user):
    with every_log_line() as lines:
        record(
            Kind.PASSWORD_RESET,
            user=user,
            new_password="hunter2 but longer",
            reset_token="abc-123-token",
            signing_key="-----BEGIN",
            reason="forgotten",
        )

    assert SecurityEvent.objects.get().details == {
        "new_password": REDACTED,
        "reset_token": REDACTED,
        "signing_key": REDACTED,
        "reason": "forgotten",
    }
    text = "\n".join(lines)
    assert "hunter2" not in text
    assert "abc-123-token" not in text
    assert "BEGIN" not in text


def test_details_json_cannot_hold_are_kept_as_text():
    session = uuid.uuid4()
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)

    record(Kind.SESSION_ENDED, session=session, at=at)

    assert SecurityEvent.objects.get().details == {
        "session": str(session),
        "at": "2030-01-02 03:04:05+00:00",
    }


def test_each_event_is_one_json_log_line(user):
    with every_log_line() as lines:
        record(Kind.EMAIL_VERIFIED, request=a_request(), user=user)

    (line,) = security_lines(lines)
    assert line["event"] == "email_verified"
    assert line["user_id"] == user.pk
    assert line["login_name"] == user.get_username()
    assert line["client_address"] == "198.51.100.7"
    assert line["details"] == {}
    assert line["at"] == SecurityEvent.objects.get().created_at.isoformat()


def test_the_security_logger_writes_bare_json_lines(settings):
    configured = settings.LOGGING["loggers"][logger.name]
    handler = settings.LOGGING["handlers"][configured["handlers"][0]]
    line_format = settings.LOGGING["formatters"][handler["formatter"]]["format"]
    lines = LinesHandler()
    lines.setFormatter(logging.Formatter(line_format))
    logger.addHandler(lines)
    try:
        record(Kind.SIGNED_UP, login_name="someone")
    finally:
        logger.removeHandler(lines)

    assert configured["propagate"] is False
    (line,) = lines.lines
    assert json.loads(line)["event"] == "signed_up"


@pytest.fixture
def missing_table():
    """The events' table renamed away: every INSERT fails in the database itself."""
    with mock.patch.object(SecurityEvent._meta, "db_table", "no_such_table"):
        yield


@pytest.mark.usefixtures("missing_table")
def test_a_database_error_is_logged_and_not_raised(user):
    with every_log_line() as lines:
        event = record(Kind.PASSWORD_CHANGED, user=user)

    assert event is None
    assert any(
        "Cannot save the security event password_changed" in line for line in lines
    )
    # The event still reached the log.
    assert [line["event"] for line in security_lines(lines)] == ["password_changed"]


@pytest.mark.usefixtures("missing_table")
def test_a_failed_save_leaves_the_callers_transaction_usable(user):
    with transaction.atomic():
        assert record(Kind.SIGNED_UP, user=user) is None
        # Without a savepoint, PostgreSQL would refuse this: the
        # transaction would be aborted.
        user.first_name = "Still"
        user.save()

    user.refresh_from_db()
    assert user.first_name == "Still"
