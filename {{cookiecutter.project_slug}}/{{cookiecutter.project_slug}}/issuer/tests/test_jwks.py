"""The issuer publishes its public keys (RFC 7517), and never a secret."""

import jwt
import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.issuer.checks import check_key_set
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import get_algorithm, is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_signing_keys
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import PRIVATE_MEMBERS

from tests.helpers import token_part

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
asymmetric_only = pytest.mark.skipif(
    is_hmac(ALGORITHM), reason="an HMAC secret has nothing to publish"
)


def previous_key_of(keys: dict[str, str]) -> str:
    """Return the text of ``keys`` that verifies: the secret, or the public key."""
    return keys["SIGNING_KEY"] if is_hmac(ALGORITHM) else keys["VERIFYING_KEY"]


@asymmetric_only
def test_jwks_publishes_the_key_that_signs_tokens(
    api_client: APIClient, tokens: dict[str, str]
) -> None:
    response = api_client.get("/.well-known/jwks.json")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public, max-age=")
    (key,) = response.json()["keys"]
    assert key["kty"] == get_algorithm(ALGORITHM).kty
    assert key["alg"] == ALGORITHM
    assert key["use"] == "sig"
    assert key["kid"] == token_part(tokens["access"], 0)["kid"]
    assert not PRIVATE_MEMBERS & key.keys()
    # A client that knows only the published key verifies the token.
    public_key = jwt.PyJWK(key).key
    claims = jwt.decode(tokens["access"], public_key, algorithms=[ALGORITHM])
    assert claims["token_type"] == "access"


@asymmetric_only
def test_jwks_publishes_previous_keys_after_the_current_one(
    api_client: APIClient, tokens: dict[str, str]
) -> None:
    old_kid = token_part(tokens["access"], 0)["kid"]
    with override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT | generate_signing_keys(ALGORITHM),
        JWT_PREVIOUS_VERIFYING_KEYS=[settings.SIMPLE_JWT["VERIFYING_KEY"]],
    ):
        keys = api_client.get("/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 2
    assert keys[0]["kid"] != old_kid
    assert keys[1]["kid"] == old_kid


@pytest.mark.skipif(not is_hmac(ALGORITHM), reason="tokens are signed with a key pair")
def test_jwks_of_a_shared_secret_is_not_found(api_client: APIClient) -> None:
    with override_settings(
        JWT_PREVIOUS_VERIFYING_KEYS=[generate_signing_keys(ALGORITHM)["SIGNING_KEY"]]
    ):
        response = api_client.get("/.well-known/jwks.json")
        configuration = api_client.get("/.well-known/openid-configuration")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert configuration.status_code == 404


@asymmetric_only
def test_openid_configuration_names_the_issuer_and_its_keys(
    api_client: APIClient,
) -> None:
    with override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": "https://issuer.example"}
    ):
        response = api_client.get("/.well-known/openid-configuration")
    assert response.status_code == 200
    assert response.json() == {
        "issuer": "https://issuer.example",
        "jwks_uri": "http://testserver/.well-known/jwks.json",
    }


def test_openid_configuration_without_an_issuer_is_not_found(
    api_client: APIClient,
) -> None:
    with override_settings(SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": None}):
        response = api_client.get("/.well-known/openid-configuration")
    assert response.status_code == 404


def test_the_well_known_documents_need_no_token(api_client: APIClient) -> None:
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = api_client.get("/.well-known/jwks.json")
    assert response.status_code == (404 if is_hmac(ALGORITHM) else 200)


def test_a_previous_key_that_cannot_verify_is_an_error() -> None:
    other = "HS256" if not is_hmac(ALGORITHM) else "ES256"
    wrong = previous_key_of(generate_signing_keys(other))
    with override_settings(JWT_PREVIOUS_VERIFYING_KEYS=["not a key", wrong]):
        errors = check_key_set()
    assert [error.id for error in errors] == ["jwt_auth.E010", "jwt_auth.E010"]
    assert all(isinstance(error, checks.Error) for error in errors)


def test_configured_previous_keys_pass_the_checks() -> None:
    previous = previous_key_of(generate_signing_keys(ALGORITHM))
    with override_settings(JWT_PREVIOUS_VERIFYING_KEYS=[previous]):
        assert check_key_set() == []


def test_the_well_known_documents_stay_out_of_the_api_schema(
    api_client: APIClient,
) -> None:
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert not [path for path in schema["paths"] if "well-known" in path]
    # Operation ids (what generated clients call) keep the /api/ prefix out.
    assert schema["paths"]["/api/me/"]["get"]["operationId"] == "me_retrieve"
