"""Logout: a blacklisted refresh token is refused from then on, and its session ends."""

import pytest
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from tests.helpers import authorization_header, logout, refresh, token_part, verify

pytestmark = pytest.mark.django_db


def test_logout_accepts_a_refresh_token(api_client, tokens):
    assert logout(api_client, tokens["refresh"]).status_code == 200


def test_refresh_token_is_refused_after_logout(api_client, tokens):
    logout(api_client, tokens["refresh"])

    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_verify_refuses_a_refresh_token_after_logout(api_client, tokens):
    logout(api_client, tokens["refresh"])

    response = verify(api_client, tokens["refresh"])

    assert response.status_code == 401


def test_logout_twice_is_refused(api_client, tokens):
    logout(api_client, tokens["refresh"])

    assert logout(api_client, tokens["refresh"]).status_code == 401


def test_a_token_missing_from_the_outstanding_list_logs_out_once(api_client, tokens):
    # Tokens issued before the blacklist was installed have no outstanding entry.
    jti = token_part(tokens["refresh"], 1)["jti"]
    OutstandingToken.objects.filter(jti=jti).delete()

    assert logout(api_client, tokens["refresh"]).status_code == 200
    assert logout(api_client, tokens["refresh"]).status_code == 401
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_logout_with_an_access_token_is_refused(api_client, tokens):
    assert logout(api_client, tokens["access"]).status_code == 401


def test_logout_ends_the_session_so_its_access_token_is_refused(api_client, tokens):
    # Logout ends the session the refresh token belongs to (README, "Sessions").
    logout(api_client, tokens["refresh"])

    response = api_client.get(
        "/api/", HTTP_AUTHORIZATION=authorization_header(tokens["access"])
    )

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
