"""Sessions: a login starts one, every token names it, ending it refuses its tokens.

Reuse of a rotated refresh token is ``test_refresh_reuse.py``.
"""

import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from {{ cookiecutter.project_slug }}.jwt_auth.workers import POLL_SECONDS
from {{ cookiecutter.project_slug }}.token_sessions import ended
from {{ cookiecutter.project_slug }}.token_sessions.checks import (
    check_cleanup_is_scheduled,
)
from {{ cookiecutter.project_slug }}.token_sessions.models import Session

from .session_requests import (
    bearer,
    hello,
    login,
    sessions,
    sid,
)
from tests.helpers import (
    create_user,
    documented_body,
    logout,
    refresh,
    resolve,
    token_part,
    undocumented,
    verify,
)

pytestmark = pytest.mark.django_db


# Starting and listing ---------------------------------------------------------------


def test_both_tokens_of_a_login_name_its_session(tokens):
    assert sid(tokens["access"]) == sid(tokens["refresh"])


def test_the_session_list_shows_each_login_and_marks_the_current_one(api_client, user):
    first = login(api_client, user, HTTP_USER_AGENT="phone", REMOTE_ADDR="10.0.0.1")
    second = login(api_client, user, HTTP_USER_AGENT="laptop")

    listed = sessions(api_client, first)

    assert {session["id"] for session in listed} == {
        sid(first["access"]),
        sid(second["access"]),
    }
    current = next(session for session in listed if session["current"])
    assert current["id"] == sid(first["access"])
    assert (current["client_address"], current["user_agent"]) == ("10.0.0.1", "phone")
    assert set(current) == {
        "id",
        "created_at",
        "last_refreshed_at",
        "client_address",
        "user_agent",
        "current",
    }


def test_the_list_answers_what_the_schema_documents(api_client, tokens, schema):
    listed = sessions(api_client, tokens)

    documented = documented_body(schema, "/api/sessions/", "get", 200)["items"]
    assert listed[0]["last_refreshed_at"] is None  # Never refreshed: null.
    for session in listed:
        assert undocumented(schema, resolve(schema, documented), session) == []


def test_a_refresh_is_recorded_as_the_last_one(api_client, tokens):
    assert refresh(api_client, tokens["refresh"]).status_code == 200

    (listed,) = sessions(api_client, tokens)

    assert listed["last_refreshed_at"] is not None


def test_refreshes_without_rotation_are_recorded_once_a_minute_per_client(
    api_client, tokens
):
    if api_settings.ROTATE_REFRESH_TOKENS:
        pytest.skip("Every rotation is recorded.")
    session = Session.objects.filter(pk=sid(tokens["refresh"]))

    def refresh_from(agent):
        api_client.credentials(HTTP_USER_AGENT=agent)
        assert refresh(api_client, tokens["refresh"]).status_code == 200
        return session.get().refreshed_at

    first = refresh_from("phone")
    assert refresh_from("phone") == first
    elsewhere = refresh_from("laptop")
    assert elsewhere > first
    assert session.get().user_agent == "laptop"
    session.update(refreshed_at=elsewhere - timedelta(minutes=1))
    assert refresh_from("laptop") > elsewhere


def test_the_list_needs_a_token(api_client):
    assert api_client.get("/api/sessions/").status_code == 401


def test_nobody_sees_the_sessions_of_another_user(api_client, tokens):
    other = create_user("bob")

    listed = sessions(api_client, login(api_client, other))

    assert sid(tokens["access"]) not in {session["id"] for session in listed}


# Ending -----------------------------------------------------------------------------


def test_ending_a_session_refuses_its_tokens_and_spares_the_others(api_client, user):
    ending, staying = login(api_client, user), login(api_client, user)

    response = api_client.delete(
        f"/api/sessions/{sid(ending['access'])}/", **bearer(staying)
    )

    assert response.status_code == 204
    assert hello(api_client, ending).status_code == 401
    assert refresh(api_client, ending["refresh"]).status_code == 401
    assert verify(api_client, ending["access"]).status_code == 401
    assert verify(api_client, ending["refresh"]).status_code == 401
    assert hello(api_client, staying).status_code == 200
    assert [session["id"] for session in sessions(api_client, staying)] == [
        sid(staying["access"])
    ]


def test_the_session_of_another_user_cannot_be_ended(api_client, tokens):
    other = create_user("bob")

    response = api_client.delete(
        f"/api/sessions/{sid(tokens['access'])}/", **bearer(login(api_client, other))
    )

    assert response.status_code == 404
    assert hello(api_client, tokens).status_code == 200


def test_a_session_id_that_is_no_uuid_is_a_json_404(api_client, tokens):
    response = api_client.delete("/api/sessions/abc/", **bearer(tokens))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_logout_all_ends_every_session_of_the_caller(api_client, user):
    first, second = login(api_client, user), login(api_client, user)

    response = api_client.post("/api/token/logout-all/", **bearer(first))

    assert response.status_code == 200
    assert response.json() == {"ended": 2}
    for tokens in (first, second):
        assert hello(api_client, tokens).status_code == 401
        assert refresh(api_client, tokens["refresh"]).status_code == 401
    assert sessions(api_client, login(api_client, user))[0]["current"]


def test_logout_ends_the_session(api_client, tokens):
    assert logout(api_client, tokens["refresh"]).status_code == 200

    assert Session.objects.get(pk=sid(tokens["access"])).end_reason == "logout"


def test_a_new_password_ends_every_session(api_client, user, tokens):
    user.set_password("another long passphrase 42")
    user.save()

    assert Session.objects.filter(user=user, ended_at=None).count() == 0


def test_deactivation_ends_every_session(api_client, user, tokens):
    user.is_active = False
    user.save()

    assert Session.objects.filter(user=user, ended_at=None).count() == 0


def test_an_unrelated_change_of_the_user_ends_nothing(api_client, user, tokens):
    user.email = "alice@example.org"
    user.save()

    assert hello(api_client, tokens).status_code == 200


# Across workers ---------------------------------------------------------------------


def test_another_worker_refuses_an_ended_session_within_a_second(
    api_client, tokens, monkeypatch, django_capture_on_commit_callbacks
):
    other_worker = ended.EndedSessions()
    session_id = sid(tokens["access"])
    assert session_id not in other_worker
    clock = time.monotonic()
    monkeypatch.setattr(time, "monotonic", lambda: clock)

    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/token/logout-all/", **bearer(tokens))

    assert session_id not in other_worker  # It looks again once a second...
    clock += POLL_SECONDS
    assert session_id in other_worker  # ...and then knows.


def test_a_worker_that_cannot_read_the_database_keeps_what_it_knows(
    api_client, tokens, monkeypatch
):
    def unavailable(self):
        raise DatabaseError("the database is away")

    monkeypatch.setattr(ended.EndedSessions, "read_ended", unavailable)

    assert hello(api_client, tokens).status_code == 200


def test_an_authenticated_request_reads_no_database_for_its_session(api_client, tokens):
    assert hello(api_client, tokens).status_code == 200

    with CaptureQueriesContext(connection) as queries:
        assert hello(api_client, tokens).status_code == 200

    assert len(queries) == 0


# Admin ------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["list", "change"])
def test_the_admin_never_shows_a_refresh_token(client, tokens, page):
    staff = create_user("boss", is_staff=True, is_superuser=True)
    client.force_login(staff)
    outstanding = OutstandingToken.objects.get(
        jti=token_part(tokens["refresh"], 1)["jti"]
    )
    path = "/admin/token_blacklist/outstandingtoken/"
    if page == "change":
        path += f"{outstanding.pk}/change/"

    response = client.get(path)

    assert response.status_code == 200
    assert outstanding.jti in response.content.decode()
    for segment in tokens["refresh"].split(".")[1:]:
        assert segment not in response.content.decode()


# Cleanup ----------------------------------------------------------------------------


def test_the_cleanup_deletes_what_can_no_longer_be_used(api_client, user, tokens):
    past = timezone.now() - timedelta(days=1)
    expired = login(api_client, user)
    logged_out = login(api_client, user)
    logout(api_client, logged_out["refresh"])
    OutstandingToken.objects.filter(
        jti=token_part(expired["refresh"], 1)["jti"]
    ).update(expires_at=past)
    Session.objects.filter(pk=sid(expired["access"])).update(expires_at=past)
    Session.objects.filter(pk=sid(logged_out["access"])).update(ended_at=past)

    call_command("prune_tokens", "--batch-size", "1", stdout=None)

    remaining = [str(pk) for pk in Session.objects.values_list("pk", flat=True)]
    assert remaining == [sid(tokens["access"])]
    assert not OutstandingToken.objects.filter(
        jti=token_part(expired["refresh"], 1)["jti"]
    ).exists()
    assert refresh(api_client, tokens["refresh"]).status_code == 200


def test_the_cleanup_deletes_blacklist_entries_with_their_tokens(api_client, tokens):
    logout(api_client, tokens["refresh"])
    OutstandingToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    call_command("prune_tokens", stdout=None)

    assert not BlacklistedToken.objects.exists()
    assert not OutstandingToken.objects.exists()


def test_production_warns_when_no_cleanup_is_scheduled(settings):
    settings.JWT_TOKEN_CLEANUP_SCHEDULED = False

    (warning,) = check_cleanup_is_scheduled(None)

    assert warning.id == "token_sessions.W001"
    assert "prune_tokens" in str(warning.hint)


def test_a_declared_schedule_or_a_recent_cleanup_silences_the_warning(settings):
    settings.JWT_TOKEN_CLEANUP_SCHEDULED = True
    assert check_cleanup_is_scheduled(None) == []

    settings.JWT_TOKEN_CLEANUP_SCHEDULED = False
    call_command("prune_tokens", stdout=None)
    assert check_cleanup_is_scheduled(None) == []
