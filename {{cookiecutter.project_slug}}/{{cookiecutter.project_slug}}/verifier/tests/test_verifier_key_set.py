"""This service fetches the keys its issuer publishes, keeps them, and lets them go.

The issuer is played by ``issuer_stand_in.Issuer``, the clocks by
``issuer_stand_in.Clock``.
"""

import threading
import time
from typing import Any

import pytest
from django.conf import settings
from django.core import checks
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_private_key
from {{ cookiecutter.project_slug }}.verifier import remote_keys
from {{ cookiecutter.project_slug }}.verifier.checks import (
    check_verifier_configuration,
)

from .issuer_stand_in import (
    ALGORITHM,
    ISSUER,
    JWKS_URL,
    Clock,
    Issuer,
    after_the_background_refresh,
    another_worker,
    get,
    verifier_keys,
)

pytestmark = pytest.mark.usefixtures("issuer")


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
