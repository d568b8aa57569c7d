"""Refresh token rotation: every refresh hands out a new refresh token."""

import pytest
{%- if cookiecutter.blacklist_after_rotation %}
from django.utils.module_loading import import_string
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from {{ cookiecutter.project_slug }}.issuer import serializers

from tests.helpers import logout, refresh, token_part
{%- else %}

from tests.helpers import refresh
{%- endif %}

pytestmark = pytest.mark.django_db


def test_refresh_issues_a_new_refresh_token(api_client, tokens):
    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert response.json()["refresh"] != tokens["refresh"]


def test_the_new_refresh_token_works(api_client, tokens):
    rotated = refresh(api_client, tokens["refresh"]).json()["refresh"]

    assert refresh(api_client, rotated).status_code == 200
{%- if cookiecutter.blacklist_after_rotation %}


@pytest.fixture
def no_grace(settings):
    """Refuse a rotated token even from the client that rotated it, at once."""
    settings.JWT_REFRESH_GRACE_SECONDS = 0


def test_a_token_missing_from_the_outstanding_list_still_rotates_once(
    api_client, tokens, no_grace
):
    # Tokens issued before the blacklist was installed have no outstanding entry.
    jti = token_part(tokens["refresh"], 1)["jti"]
    OutstandingToken.objects.filter(jti=jti).delete()

    assert refresh(api_client, tokens["refresh"]).status_code == 200
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_refresh_token_cannot_be_used_twice_after_rotation(
    api_client, tokens, no_grace
):
    assert refresh(api_client, tokens["refresh"]).status_code == 200

    second = refresh(api_client, tokens["refresh"])

    assert second.status_code == 401
    assert second.json()["code"] == "token_not_valid"


def test_logout_of_a_token_already_rotated_is_refused(api_client, tokens):
    # Rotation and logout claim a token the same way: only the first succeeds.
    rotated = refresh(api_client, tokens["refresh"]).json()["refresh"]

    response = logout(api_client, tokens["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert refresh(api_client, rotated).status_code == 200


def test_a_token_logged_out_cannot_be_rotated(api_client, tokens):
    assert logout(api_client, tokens["refresh"]).status_code == 200

    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.django_db(transaction=True)
def test_a_user_deleted_during_their_refresh_is_refused(
    api_client, tokens, user, monkeypatch
):
    # The user passed the checks, then was deleted (with their sessions)
    # before the rotation was written.
    check_user = serializers.TokenRefreshSerializer.check_user

    def check_then_delete_the_user(self, token):
        checked = check_user(self, token)
        user.delete()
        return checked

    monkeypatch.setattr(
        serializers.TokenRefreshSerializer, "check_user", check_then_delete_the_user
    )

    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 401, response.content
    assert response.json()["code"] == "no_active_account"


@pytest.mark.django_db(transaction=True)
def test_a_user_deleted_after_their_token_was_claimed_is_refused(
    api_client, tokens, user, monkeypatch
):
    # The old token was claimed, then the user was deleted before the new
    # token was recorded (inside the rotation's transaction here; another
    # connection's delete, committed meanwhile, fails the new record's
    # foreign key when the rotation commits). On PostgreSQL the claim and
    # the record are one statement: nothing happens between them.
    view_serializer = import_string(api_settings.TOKEN_REFRESH_SERIALIZER)
    monkeypatch.setattr(view_serializer, "rotated_at_once", lambda *args: False)
    claim = serializers.claim_refresh_token

    def claim_then_delete_the_user(token):
        claimed = claim(token)
        user.delete()
        return claimed

    monkeypatch.setattr(serializers, "claim_refresh_token", claim_then_delete_the_user)

    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 401, response.content
    assert response.json()["code"] == "no_active_account"
{%- else %}


def test_the_old_refresh_token_stays_valid_without_blacklisting(api_client, tokens):
    assert refresh(api_client, tokens["refresh"]).status_code == 200

    assert refresh(api_client, tokens["refresh"]).status_code == 200
{%- endif %}
