"""Reuse of a rotated refresh token ends its session; a client's own retry does not."""

import logging

import pytest
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from {{ cookiecutter.project_slug }}.token_sessions.models import Session

from .session_requests import hello, sid
from tests.helpers import logout, refresh

pytestmark = pytest.mark.django_db

ROTATION_IS_SINGLE_USE = (
    api_settings.ROTATE_REFRESH_TOKENS and api_settings.BLACKLIST_AFTER_ROTATION
)
single_use_rotation = pytest.mark.skipif(
    not ROTATION_IS_SINGLE_USE,
    reason="reuse detection needs rotation and BLACKLIST_AFTER_ROTATION",
)


@single_use_rotation
def test_reusing_a_rotated_token_from_another_client_ends_the_session(
    api_client, tokens, caplog
):
    rotated = refresh(api_client, tokens["refresh"]).json()

    with caplog.at_level(logging.WARNING):
        reused = api_client.post(
            "/api/token/refresh/",
            {"refresh": tokens["refresh"]},
            format="json",
            REMOTE_ADDR="203.0.113.9",
        )

    assert reused.status_code == 401
    assert refresh(api_client, rotated["refresh"]).status_code == 401
    assert hello(api_client, rotated).status_code == 401
    session = Session.objects.get(pk=sid(tokens["access"]))
    assert session.end_reason == "reuse"
    (event,) = [record for record in caplog.records if "reuse" in record.getMessage()]
    assert str(session.pk) in event.getMessage()
    assert str(session.user_id) in event.getMessage()
    assert "203.0.113.9" in event.getMessage()
    assert tokens["refresh"] not in caplog.text
    assert rotated["refresh"] not in caplog.text


@single_use_rotation
def test_a_client_retrying_its_own_refresh_gets_the_same_new_token(api_client, tokens):
    first = refresh(api_client, tokens["refresh"]).json()

    retried = refresh(api_client, tokens["refresh"])

    assert retried.status_code == 200
    assert retried.json()["refresh"] == first["refresh"]
    assert hello(api_client, retried.json()).status_code == 200
    assert refresh(api_client, first["refresh"]).status_code == 200
    assert OutstandingToken.objects.count() == 3  # Login, then two rotations.


@single_use_rotation
def test_the_grace_ends_with_its_seconds(api_client, tokens, settings):
    refresh(api_client, tokens["refresh"])
    settings.JWT_REFRESH_GRACE_SECONDS = 0

    assert refresh(api_client, tokens["refresh"]).status_code == 401
    assert Session.objects.get(pk=sid(tokens["access"])).end_reason == "reuse"


@single_use_rotation
def test_the_grace_is_for_the_same_user_agent_only(api_client, tokens):
    refresh(api_client, tokens["refresh"])

    reused = api_client.post(
        "/api/token/refresh/",
        {"refresh": tokens["refresh"]},
        format="json",
        HTTP_USER_AGENT="curl/8.0",
    )

    assert reused.status_code == 401
    assert Session.objects.get(pk=sid(tokens["access"])).end_reason == "reuse"


@single_use_rotation
def test_the_grace_ends_once_the_new_token_was_used(api_client, tokens):
    rotated = refresh(api_client, tokens["refresh"]).json()
    newest = refresh(api_client, rotated["refresh"]).json()

    assert refresh(api_client, tokens["refresh"]).status_code == 401
    assert refresh(api_client, newest["refresh"]).status_code == 401


@single_use_rotation
def test_only_the_token_just_rotated_gets_the_grace(api_client, tokens):
    rotated = refresh(api_client, tokens["refresh"]).json()
    refresh(api_client, rotated["refresh"])

    assert refresh(api_client, tokens["refresh"]).status_code == 401
    assert Session.objects.get(pk=sid(tokens["access"])).end_reason == "reuse"


@single_use_rotation
def test_logout_with_a_rotated_token_ends_the_session(api_client, tokens, settings):
    rotated = refresh(api_client, tokens["refresh"]).json()
    settings.JWT_REFRESH_GRACE_SECONDS = 0

    response = logout(api_client, tokens["refresh"])

    assert response.status_code == 200, response.content
    assert refresh(api_client, rotated["refresh"]).status_code == 401
    assert hello(api_client, rotated).status_code == 401
    assert Session.objects.get(pk=sid(tokens["access"])).end_reason == "logout"


@single_use_rotation
def test_logout_with_a_rotated_token_from_another_client_is_a_reuse(
    api_client, tokens, caplog
):
    rotated = refresh(api_client, tokens["refresh"]).json()

    with caplog.at_level(logging.WARNING):
        response = api_client.post(
            "/api/token/blacklist/",
            {"refresh": tokens["refresh"]},
            format="json",
            REMOTE_ADDR="203.0.113.9",
        )

    assert response.status_code == 200, response.content
    assert refresh(api_client, rotated["refresh"]).status_code == 401
    assert Session.objects.get(pk=sid(tokens["access"])).end_reason == "reuse"
    assert any("reuse" in record.getMessage() for record in caplog.records)


@single_use_rotation
def test_a_logout_that_lost_the_race_to_its_own_refresh_changes_nothing(
    api_client, tokens
):
    # Sent at once with the refresh, the logout came second: the client got
    # the new token, and the logout's answer says its token was used.
    rotated = refresh(api_client, tokens["refresh"]).json()

    assert logout(api_client, tokens["refresh"]).status_code == 401
    assert refresh(api_client, rotated["refresh"]).status_code == 200


@single_use_rotation
def test_logout_with_a_token_of_an_ended_session_is_refused(api_client, tokens):
    rotated = refresh(api_client, tokens["refresh"]).json()
    assert logout(api_client, rotated["refresh"]).status_code == 200

    assert logout(api_client, tokens["refresh"]).status_code == 401
