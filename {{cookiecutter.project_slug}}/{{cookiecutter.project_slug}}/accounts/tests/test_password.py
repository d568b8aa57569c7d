"""Password reset by email and password change, endpoint by endpoint."""

import pytest
from django.core import mail
from django.test import override_settings

from .links import link_values
from tests.helpers import PASSWORD, authorization_header, credentials

pytestmark = pytest.mark.django_db

RESET = "/api/account/password/reset/"
CONFIRM = "/api/account/password/reset/confirm/"
CHANGE = "/api/account/password/change/"
NEW_PASSWORD = "a brand new passphrase 7c1"


def login(client, user, password=PASSWORD):
    return client.post("/api/token/", credentials(user, password), format="json")


def test_reset_answers_known_and_unknown_addresses_alike(api_client, user):
    known = api_client.post(RESET, {"email": user.email}, format="json")
    unknown = api_client.post(RESET, {"email": "nobody@example.com"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert [message.to for message in mail.outbox] == [[user.email]]


def test_reset_link_points_at_the_front_end(api_client, user, settings):
    api_client.post(RESET, {"email": user.email.upper()}, format="json")

    assert f"{settings.ACCOUNT_FRONTEND_URL}/reset-password?uid=" in mail.outbox[0].body


def test_reset_confirm_sets_the_password_and_ends_every_session(api_client, user):
    old = login(api_client, user).json()
    api_client.post(RESET, {"email": user.email}, format="json")
    values = link_values("reset-password")

    response = api_client.post(
        CONFIRM, {**values, "new_password": NEW_PASSWORD}, format="json"
    )

    assert response.status_code == 200, response.content
    assert login(api_client, user).status_code == 401
    assert login(api_client, user, NEW_PASSWORD).status_code == 200
    refreshed = api_client.post(
        "/api/token/refresh/", {"refresh": old["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401
    hello = api_client.get(
        "/api/", HTTP_AUTHORIZATION=authorization_header(old["access"])
    )
    assert hello.status_code == 401
    assert "password was changed" in mail.outbox[-1].subject


def test_a_reset_token_works_once(api_client, user):
    api_client.post(RESET, {"email": user.email}, format="json")
    values = link_values("reset-password")
    api_client.post(CONFIRM, {**values, "new_password": NEW_PASSWORD}, format="json")

    again = api_client.post(
        CONFIRM, {**values, "new_password": "yet another passphrase 9"}, format="json"
    )

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"


def test_an_expired_reset_token_is_refused(api_client, user):
    api_client.post(RESET, {"email": user.email}, format="json")
    values = link_values("reset-password")

    with override_settings(PASSWORD_RESET_TIMEOUT=-1):
        response = api_client.post(
            CONFIRM, {**values, "new_password": NEW_PASSWORD}, format="json"
        )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"


def test_a_weak_new_password_is_refused_with_the_validators_message(api_client, user):
    api_client.post(RESET, {"email": user.email}, format="json")

    response = api_client.post(
        CONFIRM, {**link_values("reset-password"), "new_password": "123"}, format="json"
    )

    assert response.status_code == 400
    assert "new_password" in response.json()


def test_get_changes_nothing(api_client, user):
    assert api_client.get(RESET).status_code == 405
    assert api_client.get(CONFIRM).status_code == 405
    assert mail.outbox == []


def test_change_answers_new_tokens_and_ends_the_other_sessions(api_client, user):
    other = login(api_client, user).json()
    mine = login(api_client, user).json()

    response = api_client.post(
        CHANGE,
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        HTTP_AUTHORIZATION=authorization_header(mine["access"]),
    )

    assert response.status_code == 200, response.content
    fresh = response.json()["access"]
    assert (
        api_client.get(
            "/api/", HTTP_AUTHORIZATION=authorization_header(fresh)
        ).status_code
        == 200
    )
    assert (
        api_client.get(
            "/api/", HTTP_AUTHORIZATION=authorization_header(other["access"])
        ).status_code
        == 401
    )
    assert login(api_client, user, NEW_PASSWORD).status_code == 200
    assert "password was changed" in mail.outbox[-1].subject


def test_change_refuses_a_wrong_current_password(api_client, user, authorization):
    response = api_client.post(
        CHANGE,
        {"current_password": "not it", "new_password": NEW_PASSWORD},
        format="json",
        HTTP_AUTHORIZATION=authorization,
    )

    assert response.status_code == 400
    assert "current_password" in response.json()
    assert login(api_client, user).status_code == 200


def test_change_needs_a_token(api_client):
    response = api_client.post(
        CHANGE, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 401


def test_reset_is_throttled_per_address(api_client, user, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"account_per_address": "2/day"},
    }
    for number in range(2):
        api_client.post(
            RESET, {"email": user.email}, format="json", REMOTE_ADDR=f"192.0.2.{number}"
        )

    response = api_client.post(
        RESET, {"email": user.email.upper()}, format="json", REMOTE_ADDR="192.0.2.9"
    )

    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_reset_fails_closed_when_the_cache_is_unreachable(
    api_client, user, unreachable_cache
):
    response = api_client.post(RESET, {"email": user.email}, format="json")

    assert response.status_code == 503
    assert mail.outbox == []
