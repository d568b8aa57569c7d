"""``JWT_ISSUER`` and ``JWT_AUDIENCE`` go into every token and are required back."""

from collections.abc import Iterator

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

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
        headers={"kid": token_backend().key_set.signing_kid},
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
    for token in tokens.values():
        claims = token_part(token, 1)
        assert claims["iss"] == ISSUER
        assert claims["aud"] == AUDIENCE
    assert me(api_client, tokens["access"]) == 200


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
