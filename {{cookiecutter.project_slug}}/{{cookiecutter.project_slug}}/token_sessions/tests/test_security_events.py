"""Each ended session is a security event; a reused refresh token is one of its own kind."""

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
from {{ cookiecutter.project_slug }}.security_events.models import SecurityEvent
from {{ cookiecutter.project_slug }}.security_events.tests.event_logs import (
    every_log_line,
    security_lines,
)
from {{ cookiecutter.project_slug }}.token_sessions.models import Session
from {{ cookiecutter.project_slug }}.token_sessions.reuse import end_for_reuse

from .session_requests import bearer, login, sid
from tests.helpers import PASSWORD, logout, refresh

pytestmark = pytest.mark.django_db


def session_events():
    return list(
        SecurityEvent.objects.exclude(
            kind__in=[Kind.LOGIN_SUCCEEDED, Kind.LOGIN_FAILED]
        ).order_by("pk")
    )


def test_logout_is_recorded_with_its_session_and_client(api_client, user, tokens):
    logout(api_client, tokens["refresh"])

    (event,) = session_events()
    assert event.kind == Kind.SESSION_ENDED
    assert event.user == user
    assert event.details == {"session": sid(tokens["access"]), "reason": "logout"}
    assert event.client_address == "127.0.0.1"


def test_ending_a_session_by_its_id_is_recorded(api_client, user):
    ending, staying = login(api_client, user), login(api_client, user)

    api_client.delete(f"/api/sessions/{sid(ending['access'])}/", **bearer(staying))

    (event,) = session_events()
    assert event.details == {"session": sid(ending["access"]), "reason": "ended"}


def test_logout_all_records_every_session_it_ends(api_client, user):
    first, second = login(api_client, user), login(api_client, user)

    api_client.post("/api/token/logout-all/", **bearer(second))

    assert sorted(event.details["session"] for event in session_events()) == sorted(
        [sid(first["access"]), sid(second["access"])]
    )
    assert {event.details["reason"] for event in session_events()} == {"logout-all"}


def test_a_new_password_records_the_sessions_it_ended(user, tokens):
    user.set_password("another password entirely")
    user.save()

    (event,) = session_events()
    assert event.details["reason"] == "password-changed"
    assert event.client_address == ""


def test_a_detected_reuse_is_recorded_as_such(user, tokens):
    session = Session.objects.get(pk=sid(tokens["access"]))
    request = RequestFactory().post("/api/token/refresh/", REMOTE_ADDR="203.0.113.9")

    end_for_reuse(session, request)

    (event,) = session_events()
    assert event.kind == Kind.REFRESH_TOKEN_REUSED
    assert event.user == user
    assert event.client_address == "203.0.113.9"
    assert event.details == {"session": str(session.pk), "reason": "reuse"}


@pytest.mark.skipif(
    not (api_settings.ROTATE_REFRESH_TOKENS and api_settings.BLACKLIST_AFTER_ROTATION),
    reason="reuse detection needs rotation and BLACKLIST_AFTER_ROTATION",
)
def test_a_reuse_flow_logs_its_event_but_no_token(api_client, user, tokens):
    with every_log_line() as lines:
        rotated = refresh(api_client, tokens["refresh"]).json()
        reused = api_client.post(
            "/api/token/refresh/",
            {"refresh": tokens["refresh"]},
            format="json",
            REMOTE_ADDR="203.0.113.9",
        )

    assert reused.status_code == 401
    assert [event["event"] for event in security_lines(lines)] == [
        "refresh_token_reused"
    ]
    for line in lines:
        for secret in (PASSWORD, *tokens.values(), *rotated.values()):
            assert secret not in line


def test_prune_tokens_deletes_old_security_events_too(settings, user):
    settings.SECURITY_EVENT_RETENTION_DAYS = 0
    record(Kind.LOGIN_FAILED, login_name="long ago")

    call_command("prune_tokens", stdout=None)

    assert not SecurityEvent.objects.filter(login_name="long ago").exists()
