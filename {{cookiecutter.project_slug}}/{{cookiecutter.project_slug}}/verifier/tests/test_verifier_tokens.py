"""This service trusts the tokens of its issuer, and no others.

The issuer is played by ``issuer_stand_in.Issuer``; which keys the service
holds, and when it fetches them, is ``test_verifier_key_set.py``.
"""

import logging
from pathlib import Path
from typing import Any

import jwt
import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_private_key

from .issuer_stand_in import (
    ALGORITHM,
    AUDIENCE,
    ISSUER,
    PROJECT_NAME,
    Issuer,
    get,
)
from tests.helpers import documented_body, undocumented

pytestmark = pytest.mark.usefixtures("issuer")


@pytest.mark.django_db
def test_me_is_the_issuers_user_without_a_database_query(
    api_client: APIClient,
    issuer: Issuer,
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        response = get(api_client, issuer.token())
    assert response.status_code == 200, response.content
    # The token's sub, as the issuer's /api/me/ writes it: a string.
    assert response.json()["id"] == "42"


@pytest.mark.django_db
def test_me_answers_what_the_schema_documents(
    api_client: APIClient, issuer: Issuer, schema: dict[str, Any]
) -> None:
    response = get(api_client, issuer.token())

    assert response.status_code == 200, response.content
    documented = documented_body(schema, "/api/me/", "get", 200)
    assert undocumented(schema, documented, response.json()) == []


def test_hello_greets_a_user_of_the_issuer(
    api_client: APIClient, issuer: Issuer
) -> None:
    response = get(api_client, issuer.token(), "/api/")
    assert response.status_code == 200
    assert response.json() == {"message": f"Hello, {PROJECT_NAME}"}


def test_a_key_the_issuer_never_published_is_refused(
    api_client: APIClient, issuer: Issuer
) -> None:
    forged = issuer.token(key=generate_private_key(ALGORITHM))
    response = get(api_client, forged)
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_published_kid_on_another_keys_signature_is_refused(
    api_client: APIClient, issuer: Issuer
) -> None:
    genuine = issuer.token()
    forger = generate_private_key(ALGORITHM)
    header = jwt.get_unverified_header(genuine)
    claims = jwt.decode(genuine, options={"verify_signature": False})
    forged = jwt.encode(claims, forger, algorithm=ALGORITHM, headers=header)
    assert get(api_client, forged).status_code == 401


@pytest.mark.parametrize(
    "changes",
    [
        {"iss": "https://other-issuer.example"},
        {"iss": None},
        {"aud": "https://other-service.example"},
        {"aud": None},
        {"exp": 1},
        {"token_type": "refresh"},
    ],
    ids=[
        "other-issuer",
        "no-issuer",
        "other-audience",
        "no-audience",
        "expired",
        "refresh",
    ],
)
def test_tokens_not_meant_for_this_service_are_refused(
    api_client: APIClient, issuer: Issuer, changes: dict
) -> None:
    assert get(api_client, issuer.token(**changes)).status_code == 401


@pytest.mark.parametrize(
    ("changes", "logged"),
    [
        ({"iss": "https://other-issuer.example"}, "its iss claim"),
        ({"iss": None}, "its iss claim"),
        ({"aud": "https://other-service.example"}, "its aud claim"),
        ({"exp": 1}, "its exp claim"),
    ],
    ids=["other-issuer", "no-issuer", "other-audience", "expired"],
)
def test_the_log_says_which_claim_refused_a_token_never_the_token(
    api_client: APIClient,
    issuer: Issuer,
    caplog: pytest.LogCaptureFixture,
    changes: dict,
    logged: str,
) -> None:
    token = issuer.token(**changes)
    caplog.set_level(logging.INFO)

    assert get(api_client, token).status_code == 401

    refusals = [
        record.getMessage()
        for record in caplog.records
        if record.getMessage().startswith("Token refused")
    ]
    assert len(refusals) == 1
    assert logged in refusals[0]
    assert f"expects iss={ISSUER}, aud={AUDIENCE}" in refusals[0]
    assert "other" not in refusals[0]
    assert token.split(".")[1] not in caplog.text


@pytest.mark.parametrize("header_type", ["JWT", "rt+jwt", ["at+jwt"]], ids=repr)
def test_tokens_not_typed_as_access_tokens_are_refused(
    api_client: APIClient, issuer: Issuer, header_type: object
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    assert get(api_client, issuer.token(header_type=header_type)).status_code == 401


def test_a_refresh_token_of_the_issuer_is_refused(
    api_client: APIClient, issuer: Issuer
) -> None:
    # What the issuer signs as a refresh token: its own type and audience.
    refresh = issuer.token(header_type="rt+jwt", token_type="refresh", aud=ISSUER)
    assert get(api_client, refresh).status_code == 401


def test_a_refused_token_gets_error_invalid_token(
    api_client: APIClient, issuer: Issuer
) -> None:
    response = get(api_client, issuer.token(aud="https://other-service.example"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].endswith(' realm="api", error="invalid_token"')


# Values of the wrong JSON type or out of range for the claims a verifier reads.
ODD_VALUES = {
    "list": [1],
    "object": {"id": 1},
    "text": "soon",
    "true": True,
    "4000-digits": 10**3999,
    "1e20": 1e20,
    "-1e20": -1e20,
    "nan": float("nan"),
    "300-characters": "a" * 300,
}


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        (claim, value)
        for claim in ("sub", "exp", "iat", "nbf", "jti", "token_type")
        for value in ODD_VALUES
        # Any text is a jti.
        if (claim, value) != ("jti", "text")
    ],
)
@pytest.mark.parametrize("path", ["/api/me/", "/api/"])
def test_a_signed_token_with_a_claim_of_an_odd_type_is_refused(
    api_client: APIClient, issuer: Issuer, claim: str, value: str, path: str
) -> None:
    response = get(api_client, issuer.token(**{claim: ODD_VALUES[value]}), path)

    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/json"


def test_a_token_without_kid_is_refused(api_client: APIClient, issuer: Issuer) -> None:
    claims = jwt.decode(issuer.token(), options={"verify_signature": False})
    token = jwt.encode(
        claims, issuer.keys[0], algorithm=ALGORITHM, headers={"typ": "at+jwt"}
    )
    assert get(api_client, token).status_code == 401


@pytest.mark.parametrize(
    "path", ["/api/token/", "/api/token/refresh/", "/api/token/verify/"]
)
def test_there_are_no_token_endpoints(api_client: APIClient, path: str) -> None:
    assert api_client.post(path, {}, format="json").status_code == 404


def test_no_keys_are_published(api_client: APIClient) -> None:
    assert api_client.get("/.well-known/jwks.json").status_code == 404


def test_schema_generates_without_warnings(tmp_path: Path) -> None:
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "schema.yml"
    )
