"""This service trusts the tokens of its issuer, through the keys the issuer publishes.

The issuer here is played by the tests: a key pair of the configured
algorithm, its public key served by a stand-in for the HTTP fetch of
``verifier/remote_keys.py``.
"""

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_auth.backends import (
    install_token_backend,
    token_backend,
)
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_private_key
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import public_jwk
from {{ cookiecutter.project_slug }}.verifier import remote_keys
from {{ cookiecutter.project_slug }}.verifier.checks import (
    check_verifier_configuration,
)
from {{ cookiecutter.project_slug }}.verifier.remote_keys import remote_token_backend

from tests.helpers import authorization_header

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
ISSUER = "https://auth.example.com"
AUDIENCE = "https://api.example.com"
JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
PROJECT_NAME = "{{ cookiecutter.project_name }}"


class Issuer:
    """A stand-in for the issuer: signs tokens, publishes keys, may be away."""

    def __init__(self) -> None:
        self.keys = [generate_private_key(ALGORITHM)]
        self.published = list(self.keys)
        self.reachable = True
        self.fetches = 0

    def rotate(self) -> None:
        self.keys.insert(0, generate_private_key(ALGORITHM))
        self.published = list(self.keys)

    def jwks(self, url: str, timeout: float = 5) -> dict[str, Any]:
        assert url == JWKS_URL
        self.fetches += 1
        if not self.reachable:
            message = "Connection refused"
            raise OSError(message)
        return {
            "keys": [public_jwk(key.public_key(), ALGORITHM) for key in self.published]
        }

    def token(
        self, key: Any = None, header_type: object = "at+jwt", **changes: Any
    ) -> str:
        key = key or self.keys[0]
        now = int(time.time())
        claims = {
            "token_type": "access",
            "exp": now + 300,
            "iat": now,
            "jti": "a1b2c3",
            "sub": "42",
            "iss": ISSUER,
            "aud": AUDIENCE,
        }
        for name, value in changes.items():
            if value is None:
                claims.pop(name)
            else:
                claims[name] = value
        kid = public_jwk(key.public_key(), ALGORITHM)["kid"]
        headers = {"typ": header_type, "kid": kid}
        return jwt.encode(claims, key, algorithm=ALGORITHM, headers=headers)


class Clock:
    """The clocks ``remote_keys`` reads (monotonic and wall), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(remote_keys, "time", clock)
    return clock


@pytest.fixture(autouse=True)
def issuer(monkeypatch: pytest.MonkeyPatch, clock: Clock) -> Iterator[Issuer]:
    issuer = Issuer()
    monkeypatch.setattr(remote_keys, "fetch_jwks", issuer.jwks)
    with override_settings(
        JWT_JWKS_URL=JWKS_URL,
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": ISSUER, "AUDIENCE": AUDIENCE},
    ):
        yield issuer


def get(api_client: APIClient, token: str, path: str = "/api/me/") -> Any:
    return api_client.get(path, HTTP_AUTHORIZATION=authorization_header(token))


def another_worker() -> None:
    """Start from nothing in this process, as a new worker would (the shared cache stays)."""
    install_token_backend(remote_token_backend)


@pytest.mark.django_db
def test_me_is_the_issuers_user_without_a_database_query(
    api_client: APIClient,
    issuer: Issuer,
    django_assert_num_queries: Any,
) -> None:
    with django_assert_num_queries(0):
        response = get(api_client, issuer.token())
    assert response.status_code == 200, response.content
    assert response.json()["id"] == 42


def test_hello_greets_a_user_of_the_issuer(
    api_client: APIClient, issuer: Issuer
) -> None:
    response = get(api_client, issuer.token(), "/api/")
    assert response.status_code == 200
    assert response.json() == {"message": f"Hello, {PROJECT_NAME}"}


def test_keys_are_fetched_once(api_client: APIClient, issuer: Issuer) -> None:
    for user_id in ("1", "2", "3"):
        assert get(api_client, issuer.token(sub=user_id)).status_code == 200
    assert issuer.fetches == 1


def test_other_workers_take_the_keys_from_the_shared_cache(
    api_client: APIClient, issuer: Issuer
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    another_worker()
    assert get(api_client, issuer.token(sub="7")).status_code == 200
    assert issuer.fetches == 1


def test_a_new_key_of_the_issuer_is_fetched_without_a_restart(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    old_token = issuer.token()
    assert get(api_client, old_token).status_code == 200
    issuer.rotate()
    clock.now += remote_keys.REFETCH_SECONDS
    assert get(api_client, issuer.token()).status_code == 200
    assert get(api_client, old_token).status_code == 200
    assert issuer.fetches == 2


def test_unknown_kids_fetch_at_most_once_per_interval(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    for _ in range(2):
        for _ in range(3):
            stranger = issuer.token(key=generate_private_key(ALGORITHM))
            assert get(api_client, stranger).status_code == 401
        clock.now += remote_keys.REFETCH_SECONDS
    assert issuer.fetches == 2


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


def test_known_keys_keep_working_while_the_issuer_is_away(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    issuer.reachable = False
    another_worker()
    assert get(api_client, issuer.token(sub="8")).status_code == 200
    clock.now += remote_keys.REFETCH_SECONDS
    stranger = issuer.token(key=generate_private_key(ALGORITHM))
    assert get(api_client, stranger).status_code == 401
    assert get(api_client, issuer.token(sub="9")).status_code == 200


def test_without_any_key_the_answer_is_503_with_retry_after(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    issuer.reachable = False
    response = get(api_client, issuer.token())
    assert response.status_code == 503
    assert int(response["Retry-After"]) >= 1
    assert "detail" in response.json()
    assert issuer.fetches == 1
    # Requests during the wait do not reach the issuer.
    assert get(api_client, issuer.token()).status_code == 503
    assert issuer.fetches == 1
    issuer.reachable = True
    clock.now += remote_keys.REFETCH_SECONDS
    assert get(api_client, issuer.token()).status_code == 200


def after_the_background_refresh(verifier_keys: remote_keys.RemoteKeySet) -> None:
    if verifier_keys.refresher is not None:
        verifier_keys.refresher.join(timeout=10)


def verifier_keys() -> remote_keys.RemoteKeySet:
    keys = token_backend().remote_keys
    assert isinstance(keys, remote_keys.RemoteKeySet)
    return keys


def test_a_key_the_issuer_stopped_publishing_is_refused_within_one_max_age(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    old_key = issuer.keys[0]
    retired = issuer.token()
    assert get(api_client, retired).status_code == 200
    issuer.rotate()
    issuer.published = issuer.keys[:1]

    clock.now += remote_keys.KEYS_MAX_AGE_SECONDS
    # The first token after max-age starts a fetch and is not kept waiting.
    assert get(api_client, issuer.token(key=old_key, jti="2")).status_code == 200
    after_the_background_refresh(verifier_keys())

    assert get(api_client, issuer.token(key=old_key, jti="3")).status_code == 401
    # Nor does a verification this worker remembers outlive the key.
    assert get(api_client, retired).status_code == 401
    assert get(api_client, issuer.token()).status_code == 200


def test_a_restarted_worker_does_not_bring_back_a_retired_key(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    old_key = issuer.keys[0]
    assert get(api_client, issuer.token()).status_code == 200
    issuer.rotate()
    issuer.published = issuer.keys[:1]
    clock.now += remote_keys.KEYS_MAX_AGE_SECONDS

    another_worker()  # It finds the old set in the shared cache: stale.
    get(api_client, issuer.token(key=old_key, jti="2"))
    after_the_background_refresh(verifier_keys())

    assert get(api_client, issuer.token(key=old_key, jti="3")).status_code == 401


def test_a_poisoned_key_set_is_forgotten_at_the_next_good_fetch(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    attacker = generate_private_key(ALGORITHM)
    genuine = list(issuer.published)
    issuer.published = [attacker]
    clock.now += remote_keys.REFETCH_SECONDS
    # An unknown kid fetches the poisoned answer, which holds the attacker's key.
    forged = issuer.token(key=attacker)
    assert get(api_client, forged).status_code == 200

    issuer.published = genuine
    clock.now += remote_keys.KEYS_MAX_AGE_SECONDS
    get(api_client, issuer.token(key=attacker, jti="2"))
    after_the_background_refresh(verifier_keys())

    assert get(api_client, issuer.token(key=attacker, jti="3")).status_code == 401
    assert get(api_client, forged).status_code == 401
    assert get(api_client, issuer.token(jti="4")).status_code == 200


def test_a_hung_issuer_does_not_delay_tokens_of_known_keys(
    api_client: APIClient, issuer: Issuer, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    released = threading.Event()

    def hang(url: str, timeout: float = 5) -> dict[str, Any]:
        released.wait(timeout=30)
        message = "timed out"
        raise OSError(message)

    monkeypatch.setattr(remote_keys, "fetch_jwks", hang)
    clock.now += remote_keys.KEYS_MAX_AGE_SECONDS
    try:
        started = time.monotonic()
        tokens = [issuer.token(jti=f"new-{n}") for n in range(5)]
        statuses = [get(api_client, token).status_code for token in tokens]
        elapsed = time.monotonic() - started
        refreshing = verifier_keys().refresher
        assert refreshing is not None
        assert refreshing.is_alive()
    finally:
        released.set()
        after_the_background_refresh(verifier_keys())

    assert statuses == [200] * 5
    assert elapsed < 2


def test_a_request_without_token_needs_no_keys(
    api_client: APIClient, issuer: Issuer
) -> None:
    issuer.reachable = False
    assert api_client.get("/api/").status_code == 401
    assert api_client.get("/api/health/").status_code == 200
    assert issuer.fetches == 0


@pytest.mark.parametrize(
    "path", ["/api/token/", "/api/token/refresh/", "/api/token/verify/"]
)
def test_there_are_no_token_endpoints(api_client: APIClient, path: str) -> None:
    assert api_client.post(path, {}, format="json").status_code == 404


def test_no_keys_are_published(api_client: APIClient) -> None:
    assert api_client.get("/.well-known/jwks.json").status_code == 404


def test_the_checks_pass_when_the_issuer_is_configured() -> None:
    assert check_verifier_configuration() == []


@pytest.mark.parametrize(
    ("changes", "check_id"),
    [
        ({"JWT_JWKS_URL": ""}, "jwt_auth.E013"),
        ({"SIMPLE_JWT": {"ISSUER": None}}, "jwt_auth.E014"),
        ({"SIMPLE_JWT": {"AUDIENCE": None}}, "jwt_auth.E014"),
        ({"SIMPLE_JWT": {"ALGORITHM": "HS256"}}, "jwt_auth.E012"),
    ],
    ids=["no-jwks-url", "no-issuer", "no-audience", "hmac"],
)
def test_a_verifier_that_cannot_verify_safely_does_not_start(
    changes: dict, check_id: str
) -> None:
    overrides = {
        name: settings.SIMPLE_JWT | value if name == "SIMPLE_JWT" else value
        for name, value in changes.items()
    }
    with override_settings(**overrides):
        assert [message.id for message in check_verifier_configuration()] == [check_id]


def test_schema_generates_without_warnings(tmp_path: Path) -> None:
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "schema.yml"
    )


HTTPS_CHECKS = {"jwt_auth.E016", "jwt_auth.E017"}


@pytest.mark.parametrize(
    ("jwks_url", "issuer", "errors"),
    [
        (JWKS_URL, ISSUER, []),
        ("http://issuer.example/keys", ISSUER, ["jwt_auth.E016"]),
        (JWKS_URL, "http://issuer.example", ["jwt_auth.E017"]),
        ("ftp://issuer.example/keys", "issuer", ["jwt_auth.E016", "jwt_auth.E017"]),
    ],
    ids=["https", "http-jwks", "http-issuer", "neither"],
)
def test_deploy_checks_require_https_for_the_issuer(
    jwks_url: str, issuer: str, errors: list[str]
) -> None:
    with override_settings(
        JWT_JWKS_URL=jwks_url, SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": issuer}
    ):
        found = checks.run_checks(include_deployment_checks=True)
    assert sorted(error.id for error in found if error.id in HTTPS_CHECKS) == errors
