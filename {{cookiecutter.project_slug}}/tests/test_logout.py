"""Logout: a blacklisted refresh token is refused from then on."""

import pytest

from .helpers import authorization_header

pytestmark = pytest.mark.django_db


def logout(api_client, refresh):
    return api_client.post("/api/token/blacklist/", {"refresh": refresh}, format="json")


def test_logout_accepts_a_refresh_token(api_client, tokens):
    assert logout(api_client, tokens["refresh"]).status_code == 200


def test_refresh_token_is_refused_after_logout(api_client, tokens):
    logout(api_client, tokens["refresh"])

    response = api_client.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_verify_refuses_a_refresh_token_after_logout(api_client, tokens):
    logout(api_client, tokens["refresh"])

    response = api_client.post(
        "/api/token/verify/", {"token": tokens["refresh"]}, format="json"
    )

    assert response.status_code == 401


def test_logout_twice_is_refused(api_client, tokens):
    logout(api_client, tokens["refresh"])

    assert logout(api_client, tokens["refresh"]).status_code == 401


def test_logout_with_an_access_token_is_refused(api_client, tokens):
    assert logout(api_client, tokens["access"]).status_code == 401


def test_access_token_stays_valid_until_it_expires(api_client, tokens):
    # JWTs are stateless: logout ends the refresh token, not the access token
    # already handed out. Keep access tokens short-lived.
    logout(api_client, tokens["refresh"])

    response = api_client.get(
        "/api/", HTTP_AUTHORIZATION=authorization_header(tokens["access"])
    )

    assert response.status_code == 200
