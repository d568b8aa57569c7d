"""The claims of the tokens: RFC 9068 access tokens, refresh tokens no one else takes.

``JWT_ISSUER`` goes into every token and ``JWT_AUDIENCE`` into access tokens,
and both are required back; a refresh token's audience is the issuer itself.
"""

import hashlib
import json
from collections.abc import Iterator

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.issuer.tokens import AccessToken
from {{ cookiecutter.project_slug }}.jwt_auth.backends import token_backend
from {{ cookiecutter.project_slug }}.users.models import User

from tests.helpers import authorization_header, token_part

ISSUER = "https://auth.example.com"
AUDIENCE = "https://api.example.com"


@pytest.fixture
def issuer_and_audience() -> Iterator[None]:
    with override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE}
    ):
        yield


def signed(claims: dict) -> str:
    """Return ``claims`` signed with this service's current key and its kid."""
    return jwt.encode(
        claims,
        settings.SIMPLE_JWT["SIGNING_KEY"],
        algorithm=settings.SIMPLE_JWT["ALGORITHM"],
        headers={"typ": "at+jwt", "kid": token_backend().key_set.signing_kid},
    )


def me(api_client: APIClient, token: str) -> int:
    response = api_client.get(
        "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
    )
    return response.status_code


@pytest.mark.usefixtures("issuer_and_audience")
def test_tokens_carry_the_issuer_and_audience(
    api_client: APIClient, tokens: dict[str, str]
) -> None:
    access, refresh = (token_part(tokens[kind], 1) for kind in ("access", "refresh"))
    assert access["iss"] == refresh["iss"] == ISSUER
    assert access["aud"] == AUDIENCE
    # Only the issuer takes a refresh token: no service of JWT_AUDIENCE can.
    assert refresh["aud"] == ISSUER
    assert me(api_client, tokens["access"]) == 200


@pytest.mark.usefixtures("issuer_and_audience")
def test_access_tokens_follow_rfc_9068(tokens: dict[str, str], user: User) -> None:
    header, claims = token_part(tokens["access"], 0), token_part(tokens["access"], 1)

    assert header["typ"] == "at+jwt"
    assert {"iss", "sub", "aud", "exp", "iat", "jti", "client_id"} <= set(claims)
    # The user id travels as a string in "sub", and nowhere else.
    assert claims["sub"] == str(user.pk)
    assert "user_id" not in claims


def test_refresh_tokens_have_a_type_of_their_own(tokens: dict[str, str]) -> None:
    assert token_part(tokens["refresh"], 0)["typ"] == "rt+jwt"


def test_no_claim_is_derived_from_the_password(
    tokens: dict[str, str], user: User
) -> None:
    fingerprint = hashlib.md5(user.password.encode()).hexdigest()  # noqa: S324
    for token in tokens.values():
        claims = token_part(token, 1)
        assert "hash_password" not in claims
        assert fingerprint not in json.dumps(claims)


@pytest.mark.usefixtures("issuer_and_audience")
@pytest.mark.parametrize("header_type", ["JWT", "rt+jwt", None, ["at+jwt"]], ids=repr)
def test_an_access_token_of_another_type_is_refused(
    api_client: APIClient, user: User, header_type: object
) -> None:
    claims = dict(AccessToken.for_user(user).payload) | {"iss": ISSUER, "aud": AUDIENCE}
    headers = {"kid": token_backend().key_set.signing_kid, "typ": header_type}
    if header_type is None:
        del headers["typ"]
    token = jwt.encode(
        claims,
        settings.SIMPLE_JWT["SIGNING_KEY"],
        algorithm=settings.SIMPLE_JWT["ALGORITHM"],
        headers=headers,
    )

    assert me(api_client, token) == 401


@pytest.mark.usefixtures("issuer_and_audience")
def test_a_refresh_token_is_refused_where_an_access_token_is_expected(
    api_client: APIClient, tokens: dict[str, str]
) -> None:
    verified = api_client.post(
        "/api/token/verify/", {"token": tokens["refresh"]}, format="json"
    )

    assert me(api_client, tokens["refresh"]) == 401
    assert verified.status_code == 401


@pytest.mark.usefixtures("issuer_and_audience")
def test_an_access_token_does_not_refresh(
    api_client: APIClient, tokens: dict[str, str]
) -> None:
    response = api_client.post(
        "/api/token/refresh/", {"refresh": tokens["access"]}, format="json"
    )

    assert response.status_code == 401


@pytest.mark.usefixtures("issuer_and_audience")
@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://other-issuer.example"},
        {"iss": None},
        {"aud": "https://other-service.example"},
        {"aud": None},
        {"aud": ["https://other-service.example"]},
    ],
    ids=["other-issuer", "no-issuer", "other-audience", "no-audience", "audience-list"],
)
def test_a_token_of_another_issuer_or_audience_is_refused(
    api_client: APIClient, user: User, changes: dict
) -> None:
    claims = dict(AccessToken.for_user(user).payload) | {"iss": ISSUER, "aud": AUDIENCE}
    assert me(api_client, signed(claims)) == 200
    for name, value in changes.items():
        if value is None:
            del claims[name]
        else:
            claims[name] = value
    assert me(api_client, signed(claims)) == 401


def test_without_an_issuer_tokens_name_none(tokens: dict[str, str]) -> None:
    with override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": None, "AUDIENCE": None}
    ):
        # simplejwt annotates the token as a Token; it takes the encoded one.
        access = AccessToken(tokens["access"])  # type: ignore[arg-type]
        claims = token_part(str(access), 1)
    assert "iss" not in claims
    assert "aud" not in claims
