"""Every token names its key (``kid``), and previous keys keep verifying.

The tests use whatever algorithm this project signs with, and keys made for
the test run (``config/settings/test.py``).
"""

import base64
import json
from collections.abc import Iterator

import jwt
import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.issuer.tokens import AccessToken
from {{ cookiecutter.project_slug }}.jwt_auth.backends import token_backend
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_signing_keys
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import (
    public_key_kid,
    secret_kid,
    thumbprint,
)
from {{ cookiecutter.project_slug }}.users.models import User

from tests.helpers import authorization_header, token_part

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]

# RFC 7638, section 3.1: the example key and its thumbprint.
RFC_7638_KEY = {
    "kty": "RSA",
    "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}


def kid_of(keys: dict[str, str]) -> str:
    """Return the kid of the signing keys ``keys`` (settings' texts)."""
    if is_hmac(ALGORITHM):
        return secret_kid(keys["SIGNING_KEY"])
    public_key = (
        jwt.PyJWS().get_algorithm_by_name(ALGORITHM).prepare_key(keys["VERIFYING_KEY"])
    )
    return public_key_kid(public_key, ALGORITHM)


def sign(keys: dict[str, str], payload: dict, headers: dict | None = None) -> str:
    """Return ``payload`` signed with the private key (or secret) of ``keys``.

    By hand, so that the header may hold what PyJWT would refuse to write.
    """
    header = {"alg": ALGORITHM, "typ": "at+jwt", **(headers or {})}
    signing_input = b".".join(
        base64url(json.dumps(part).encode()) for part in (header, payload)
    )
    signer = jwt.PyJWS().get_algorithm_by_name(ALGORITHM)
    signature = signer.sign(signing_input, signer.prepare_key(keys["SIGNING_KEY"]))
    return (signing_input + b"." + base64url(signature)).decode()


def base64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


@pytest.fixture
def rotated() -> Iterator[dict[str, str]]:
    """Sign with a new key; the test run's key becomes a previous one. Yield the old keys."""
    old = {name: settings.SIMPLE_JWT[name] for name in ("SIGNING_KEY", "VERIFYING_KEY")}
    previous = old["SIGNING_KEY"] if is_hmac(ALGORITHM) else old["VERIFYING_KEY"]
    with override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT | generate_signing_keys(ALGORITHM),
        JWT_PREVIOUS_VERIFYING_KEYS=[previous],
    ):
        yield old


def test_thumbprint_matches_the_example_of_rfc_7638() -> None:
    assert thumbprint(RFC_7638_KEY) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_every_token_names_the_key_that_signed_it(tokens: dict[str, str]) -> None:
    keys = {
        name: settings.SIMPLE_JWT[name] for name in ("SIGNING_KEY", "VERIFYING_KEY")
    }
    assert token_part(tokens["access"], 0)["kid"] == kid_of(keys)
    assert token_part(tokens["refresh"], 0)["kid"] == kid_of(keys)


def test_tokens_of_simplejwt_classes_carry_kid_too(user: User) -> None:
    token = str(AccessToken.for_user(user))
    assert token_part(token, 0)["kid"] == token_backend().key_set.signing_kid


def test_token_of_a_previous_key_still_works(api_client: APIClient, user: User) -> None:
    old_token = str(AccessToken.for_user(user))
    with override_settings(
        JWT_PREVIOUS_VERIFYING_KEYS=[],
        SIMPLE_JWT=settings.SIMPLE_JWT | generate_signing_keys(ALGORITHM),
    ):
        refused = api_client.get(
            "/api/me/", HTTP_AUTHORIZATION=authorization_header(old_token)
        )
    assert refused.status_code == 401

    previous = (
        settings.SIMPLE_JWT["SIGNING_KEY"]
        if is_hmac(ALGORITHM)
        else settings.SIMPLE_JWT["VERIFYING_KEY"]
    )
    with override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT | generate_signing_keys(ALGORITHM),
        JWT_PREVIOUS_VERIFYING_KEYS=[previous],
    ):
        new_token = str(AccessToken.for_user(user))
        for token in (old_token, new_token):
            response = api_client.get(
                "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
            )
            assert response.status_code == 200, response.content
        assert token_part(new_token, 0)["kid"] != token_part(old_token, 0)["kid"]


def test_new_tokens_are_signed_with_the_new_key(
    rotated: dict[str, str], tokens: dict[str, str]
) -> None:
    assert token_part(tokens["access"], 0)["kid"] != kid_of(rotated)


@pytest.mark.parametrize(
    "kid",
    ["unknown-kid", "", 7, ["a"], {"kid": "x"}],
    ids=["unknown", "empty", "number", "list", "object"],
)
def test_a_kid_that_names_no_key_is_refused(
    api_client: APIClient, user: User, kid: object
) -> None:
    claims = dict(AccessToken.for_user(user).payload)
    keys = {
        name: settings.SIMPLE_JWT[name] for name in ("SIGNING_KEY", "VERIFYING_KEY")
    }
    token = sign(keys, claims, {"kid": kid})
    response = api_client.get(
        "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
    )
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_token_without_kid_verifies_with_the_current_key_only(
    api_client: APIClient, user: User, rotated: dict[str, str]
) -> None:
    claims = dict(AccessToken.for_user(user).payload)
    current = {
        name: settings.SIMPLE_JWT[name] for name in ("SIGNING_KEY", "VERIFYING_KEY")
    }
    for keys, status in ((current, 200), (rotated, 401)):
        token = sign(keys, claims)
        response = api_client.get(
            "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
        )
        assert response.status_code == status


def test_a_kid_of_a_previous_key_does_not_let_another_key_sign(
    api_client: APIClient, user: User, rotated: dict[str, str]
) -> None:
    claims = dict(AccessToken.for_user(user).payload)
    forger = generate_signing_keys(ALGORITHM)
    token = sign(forger, claims, {"kid": kid_of(rotated)})
    response = api_client.get(
        "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
    )
    assert response.status_code == 401
