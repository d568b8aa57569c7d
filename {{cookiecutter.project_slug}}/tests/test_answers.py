"""What was chosen when this service was generated, proven on real tokens."""

import jwt
import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.test import override_settings

from config.settings import base

from .helpers import PASSWORD, authorization_header, token_part

pytestmark = pytest.mark.django_db

ALGORITHM = "{{ cookiecutter.jwt_algorithm }}"
HEADER_TYPES = ({{ cookiecutter.auth_header_types.split(",") | map("trim") | map("tojson") | join(", ") }}{{ "," if cookiecutter.auth_header_types.split(",") | length == 1 }})
ACCESS_TOKEN_SECONDS = {{ cookiecutter.access_token_lifetime_minutes | int }} * 60
REFRESH_TOKEN_SECONDS = {{ cookiecutter.refresh_token_lifetime_days | int }} * 24 * 60 * 60


def test_access_token_lives_{{ cookiecutter.access_token_lifetime_minutes | int }}_minutes(tokens):
    # Both tokens of a pair count from the moment the refresh token was made;
    # the access token's own "iat" may fall a second later.
    issued_at = token_part(tokens["refresh"], 1)["iat"]

    assert token_part(tokens["access"], 1)["exp"] - issued_at == ACCESS_TOKEN_SECONDS


def test_refresh_token_lives_{{ cookiecutter.refresh_token_lifetime_days | int }}_days(tokens):
    payload = token_part(tokens["refresh"], 1)

    assert payload["exp"] - payload["iat"] == REFRESH_TOKEN_SECONDS


@pytest.mark.parametrize("kind", ["access", "refresh"])
def test_tokens_are_signed_with_the_chosen_algorithm(tokens, kind):
    assert token_part(tokens[kind], 0)["alg"] == ALGORITHM


def test_access_token_verifies_with_the_configured_key(tokens):
    key = settings.SIMPLE_JWT["VERIFYING_KEY"] or settings.SIMPLE_JWT["SIGNING_KEY"]

    payload = jwt.decode(tokens["access"], key, algorithms=[ALGORITHM])

    assert payload["token_type"] == "access"


@pytest.mark.parametrize("header_type", HEADER_TYPES)
def test_each_configured_header_type_is_accepted(api_client, tokens, header_type):
    header = authorization_header(tokens["access"], header_type)

    assert api_client.get("/api/", HTTP_AUTHORIZATION=header).status_code == 200


def test_other_header_types_are_refused(api_client, tokens):
    other = next(
        name for name in ("Token", "Bearer", "JWT") if name not in HEADER_TYPES
    )
    header = authorization_header(tokens["access"], other)

    assert api_client.get("/api/", HTTP_AUTHORIZATION=header).status_code == 401


def test_refusal_names_the_first_header_type(api_client):
    response = api_client.get("/api/")

    assert response["WWW-Authenticate"].startswith(f"{HEADER_TYPES[0]} ")


def test_passwords_are_hashed_with_argon2id_outside_tests():
    # The test settings trade Argon2 for speed; the real settings must not.
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password(PASSWORD)

        assert encoded.startswith("argon2$argon2id$")
        assert check_password(PASSWORD, encoded)
{%- if cookiecutter.update_last_login %}


def test_obtaining_a_token_updates_last_login(tokens, user):
    user.refresh_from_db()

    assert user.last_login is not None
{%- else %}


def test_obtaining_a_token_leaves_last_login_alone(tokens, user):
    user.refresh_from_db()

    assert user.last_login is None
{%- endif %}
{%- if not cookiecutter.rotate_refresh_tokens %}


def test_refresh_does_not_issue_a_new_refresh_token(api_client, tokens):
    response = api_client.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert response.status_code == 200
    assert set(response.json()) == {"access"}
{%- endif %}
