"""The issuer publishes its public keys (RFC 7517), and never a secret."""

from typing import Any

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
        JWT_PREVIOUS_VERIFYING_KEYS=[generate_signing_keys(ALGORITHM)["SIGNING_KEY"]],
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": "https://issuer.example"},
    ):
        response = api_client.get("/.well-known/jwks.json")
        metadata = api_client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    # The metadata names no key set where there is none.
    assert metadata.status_code == 200
    assert "jwks_uri" not in metadata.json()


def metadata_of(api_client: APIClient, issuer: str, path: str, **headers: Any):
    with override_settings(SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": issuer}):
        return api_client.get(path, **headers)


def test_authorization_server_metadata_is_built_from_the_issuer(
    api_client: APIClient,
) -> None:
    issuer = "https://issuer.example"
    response = metadata_of(
        api_client, issuer, "/.well-known/oauth-authorization-server"
    )

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public, max-age=")
    metadata = response.json()
    assert metadata["issuer"] == issuer
    assert metadata["token_endpoint"] == f"{issuer}/api/token/"
    assert metadata["grant_types_supported"] == ["password", "refresh_token"]
    assert metadata["response_types_supported"] == []
    if not is_hmac(ALGORITHM):
        assert metadata["jwks_uri"] == f"{issuer}/.well-known/jwks.json"


@override_settings(ALLOWED_HOSTS=["*"], USE_X_FORWARDED_HOST=True)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_HOST": "attacker.example"},
        {"HTTP_HOST": "issuer.example:8443"},
        {"HTTP_HOST": "127.0.0.1:1"},
        {"HTTP_X_FORWARDED_HOST": "attacker.example", "HTTP_X_FORWARDED_PROTO": "http"},
        {"HTTP_X_FORWARDED_PORT": "8080", "wsgi.url_scheme": "http"},
    ],
    ids=["plain", "host", "host-port", "ip-port", "forwarded-host", "forwarded-port"],
)
def test_no_host_header_changes_a_url_in_the_metadata(
    api_client: APIClient, headers: dict[str, str]
) -> None:
    issuer = "https://issuer.example"
    path = "/.well-known/oauth-authorization-server"
    expected = metadata_of(api_client, issuer, path).json()

    response = metadata_of(api_client, issuer, path, **headers)

    assert response.json() == expected
    urls = [value for value in expected.values() if isinstance(value, str)]
    assert all(url.startswith(f"{issuer}/") or url == issuer for url in urls)


def test_an_issuer_with_a_path_has_its_metadata_at_that_path(
    api_client: APIClient,
) -> None:
    issuer = "https://example.com/tenant/one"
    well_known = "/.well-known/oauth-authorization-server"

    at_its_path = metadata_of(api_client, issuer, f"{well_known}/tenant/one")
    at_the_root = metadata_of(api_client, issuer, well_known)
    elsewhere = metadata_of(api_client, issuer, f"{well_known}/tenant/two")

    assert at_its_path.status_code == 200
    assert at_its_path.json()["issuer"] == issuer
    assert at_its_path.json()["token_endpoint"] == f"{issuer}/api/token/"
    assert at_the_root.status_code == 404
    assert elsewhere.status_code == 404


def test_metadata_without_an_issuer_is_not_found(api_client: APIClient) -> None:
    with override_settings(SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": None}):
        response = api_client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 404


def test_there_is_no_openid_configuration(api_client: APIClient) -> None:
    # OpenID Connect Discovery requires what this service does not have
    # (authorization endpoint, ID tokens): no valid document could be served.
    issuer = "https://issuer.example"
    response = metadata_of(api_client, issuer, "/.well-known/openid-configuration")
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


@pytest.mark.parametrize(
    "path", ["/.well-known/jwks.json", "/.well-known/oauth-authorization-server"]
)
def test_well_known_documents_refuse_other_methods_with_json_405(path: str) -> None:
    # A client with CSRF checks on: the refusal is the method's, not a CSRF one.
    client = APIClient(enforce_csrf_checks=True)

    response = client.post(path, {})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": 'Method "POST" not allowed.'}
