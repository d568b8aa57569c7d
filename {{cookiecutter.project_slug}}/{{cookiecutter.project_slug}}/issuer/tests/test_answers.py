"""The JWT settings (``SIMPLE_JWT`` in ``config/settings/base.py``) hold on real tokens."""

import jwt
import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings
from rest_framework_simplejwt.settings import api_settings

from config.settings import base
from tests.helpers import PASSWORD, authorization_header, credentials, token_part

pytestmark = pytest.mark.django_db


def test_access_token_lives_as_long_as_configured(tokens):
    # Both tokens of a pair count from the moment the refresh token was made;
    # the access token's own "iat" may fall a second later.
    issued_at = token_part(tokens["refresh"], 1)["iat"]
    lifetime = api_settings.ACCESS_TOKEN_LIFETIME.total_seconds()

    assert token_part(tokens["access"], 1)["exp"] - issued_at == lifetime


def test_refresh_token_lives_as_long_as_configured(tokens):
    payload = token_part(tokens["refresh"], 1)
    lifetime = api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()

    assert payload["exp"] - payload["iat"] == lifetime


@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_tokens_are_signed_with_the_configured_algorithm(tokens, kind):
    assert token_part(tokens[kind], 0)["alg"] == settings.SIMPLE_JWT["ALGORITHM"]


def test_access_token_verifies_with_the_configured_key(tokens):
    key = settings.SIMPLE_JWT["VERIFYING_KEY"] or settings.SIMPLE_JWT["SIGNING_KEY"]

    payload = jwt.decode(
        tokens["access"], key, algorithms=[settings.SIMPLE_JWT["ALGORITHM"]]
    )

    assert payload["token_type"] == "access"


def test_each_configured_header_type_is_accepted(api_client, tokens):
    for header_type in api_settings.AUTH_HEADER_TYPES:
        header = authorization_header(tokens["access"], header_type)

        assert api_client.get("/api/", HTTP_AUTHORIZATION=header).status_code == 200


def test_other_header_types_are_refused(api_client, tokens):
    other = next(
        name
        for name in ("Token", "Bearer", "JWT")
        if name not in api_settings.AUTH_HEADER_TYPES
    )
    header = authorization_header(tokens["access"], other)

    assert api_client.get("/api/", HTTP_AUTHORIZATION=header).status_code == 401


def test_refusal_names_the_first_header_type(api_client):
    response = api_client.get("/api/")

    assert response["WWW-Authenticate"].startswith(
        f"{api_settings.AUTH_HEADER_TYPES[0]} "
    )


def test_a_request_without_a_token_gets_a_challenge_without_an_error(api_client):
    # RFC 6750, section 3.1: no error code when no token was presented.
    response = api_client.get("/api/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == (
        f'{api_settings.AUTH_HEADER_TYPES[0]} realm="api"'
    )


@pytest.mark.parametrize("problem", ["garbage", "password-changed", "refresh"])
def test_a_refused_token_gets_error_invalid_token(api_client, tokens, user, problem):
    token = {"garbage": "not.a.token", "refresh": tokens["refresh"]}.get(
        problem, tokens["access"]
    )
    if problem == "password-changed":
        user.set_password("a new password, set since")
        user.save()

    response = api_client.get("/api/", HTTP_AUTHORIZATION=authorization_header(token))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == (
        f'{api_settings.AUTH_HEADER_TYPES[0]} realm="api", error="invalid_token"'
    )
    assert "detail" in response.json()


def test_a_wrong_password_at_login_gets_no_token_error(api_client, user):
    response = api_client.post(
        "/api/token/",
        credentials(user, "not the password"),
        format="json",
    )

    assert response.status_code == 401
    assert "error=" not in response.get("WWW-Authenticate", "")


def test_passwords_are_hashed_with_argon2id_outside_tests():
    # The test settings trade Argon2 for speed; the real settings must not.
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password(PASSWORD)

        assert encoded.startswith("argon2$argon2id$")
        assert check_password(PASSWORD, encoded)


def test_obtaining_a_token_records_last_login_exactly_when_configured(tokens, user):
    user.refresh_from_db()

    assert (user.last_login is not None) is api_settings.UPDATE_LAST_LOGIN


def test_refresh_issues_a_new_refresh_token_exactly_when_rotating(api_client, tokens):
    response = api_client.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert response.status_code == 200
    rotated = "refresh" in response.json()
    assert rotated is api_settings.ROTATE_REFRESH_TOKENS
