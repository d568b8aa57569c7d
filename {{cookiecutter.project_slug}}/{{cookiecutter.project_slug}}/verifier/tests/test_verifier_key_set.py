"""This service fetches the keys its issuer publishes, keeps them, and lets them go.

The issuer is played by ``issuer_stand_in.Issuer``, the clocks by
``issuer_stand_in.Clock``.
"""

import threading
import time

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


def test_a_key_published_before_it_signs_is_known_when_it_signs(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    old_key = issuer.keys[0]
    old_token = issuer.token()
    assert get(api_client, old_token).status_code == 200
    issuer.rotate()  # Published now; the issuer signs with it one max-age later.
    clock.now += remote_keys.DEFAULT_MAX_AGE_SECONDS
    # The first token verified after max-age has the keys fetched again.
    assert get(api_client, issuer.token(key=old_key, jti="2")).status_code == 200
    after_the_background_refresh(verifier_keys())
    assert get(api_client, issuer.token()).status_code == 200
    assert get(api_client, old_token).status_code == 200
    assert issuer.fetches == 2


def test_an_unknown_kid_is_refused_at_once_and_looked_up_in_the_background(
    api_client: APIClient, issuer: Issuer, clock: Clock
) -> None:
    old_token = issuer.token()
    assert get(api_client, old_token).status_code == 200
    issuer.rotate()  # Signing at once, unpublished until now.
    clock.now += remote_keys.REFETCH_SECONDS
    new_token = issuer.token()
    response = get(api_client, new_token)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]
    after_the_background_refresh(verifier_keys())
    assert get(api_client, new_token).status_code == 200
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
            after_the_background_refresh(verifier_keys())
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

    clock.now += remote_keys.DEFAULT_MAX_AGE_SECONDS
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
    clock.now += remote_keys.DEFAULT_MAX_AGE_SECONDS

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
    assert get(api_client, forged).status_code == 401
    after_the_background_refresh(verifier_keys())
    assert get(api_client, forged).status_code == 200

    issuer.published = genuine
    clock.now += remote_keys.DEFAULT_MAX_AGE_SECONDS
    get(api_client, issuer.token(key=attacker, jti="2"))
    after_the_background_refresh(verifier_keys())

    assert get(api_client, issuer.token(key=attacker, jti="3")).status_code == 401
    assert get(api_client, forged).status_code == 401
    assert get(api_client, issuer.token(jti="4")).status_code == 200


@pytest.mark.parametrize(
    ("max_age", "trusted_for"),
    [
        (60, 60),
        (1800, 1800),
        (1, remote_keys.MIN_MAX_AGE_SECONDS),
        (10**9, remote_keys.MAX_MAX_AGE_SECONDS),
    ],
    ids=["short", "long", "below-the-floor", "above-the-ceiling"],
)
def test_keys_are_trusted_for_the_issuers_max_age_within_bounds(
    api_client: APIClient,
    issuer: Issuer,
    clock: Clock,
    max_age: float,
    trusted_for: float,
) -> None:
    issuer.max_age = remote_keys.max_age_of(f"public, max-age={max_age}")
    old_key = issuer.keys[0]
    assert get(api_client, issuer.token()).status_code == 200
    issuer.rotate()
    issuer.published = issuer.keys[:1]

    clock.now += trusted_for - 1
    assert get(api_client, issuer.token(key=old_key, jti="2")).status_code == 200
    after_the_background_refresh(verifier_keys())
    assert issuer.fetches == 1  # Still fresh: nothing asked.

    clock.now += 1
    assert get(api_client, issuer.token(key=old_key, jti="3")).status_code == 200
    after_the_background_refresh(verifier_keys())
    assert issuer.fetches == 2
    assert get(api_client, issuer.token(key=old_key, jti="4")).status_code == 401


@pytest.mark.parametrize(
    ("cache_control", "max_age"),
    [
        (None, remote_keys.DEFAULT_MAX_AGE_SECONDS),
        ("public", remote_keys.DEFAULT_MAX_AGE_SECONDS),
        ("public, max-age=120", 120),
        ("Max-Age=90, must-revalidate", 90),
        ('max-age="45"', 45),
        ("max-age=soon", remote_keys.DEFAULT_MAX_AGE_SECONDS),
        ("max-age=0", remote_keys.MIN_MAX_AGE_SECONDS),
        ("no-store", remote_keys.MIN_MAX_AGE_SECONDS),
        ("max-age=600, no-cache", remote_keys.MIN_MAX_AGE_SECONDS),
        ("max-age=31536000", remote_keys.MAX_MAX_AGE_SECONDS),
    ],
)
def test_the_max_age_of_an_answer_is_bounded(
    cache_control: str | None, max_age: float
) -> None:
    assert remote_keys.max_age_of(cache_control) == max_age


class HungIssuer:
    """A fetch that hangs until released, counting the calls."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.calls = 0

    def __call__(self, url: str, timeout: float = 5) -> remote_keys.FetchedKeys:
        self.calls += 1
        self.released.wait(timeout=30)
        message = "timed out"
        raise OSError(message)


def test_a_hung_issuer_does_not_delay_tokens_of_known_keys(
    api_client: APIClient, issuer: Issuer, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    hung = HungIssuer()
    monkeypatch.setattr(remote_keys, "fetch_jwks", hung)
    clock.now += remote_keys.DEFAULT_MAX_AGE_SECONDS
    try:
        started = time.monotonic()
        tokens = [issuer.token(jti=f"new-{n}") for n in range(5)]
        statuses = [get(api_client, token).status_code for token in tokens]
        elapsed = time.monotonic() - started
        refreshing = verifier_keys().refresher
        assert refreshing is not None
        assert refreshing.is_alive()
    finally:
        hung.released.set()
        after_the_background_refresh(verifier_keys())

    assert statuses == [200] * 5
    assert elapsed < 2
    assert hung.calls == 1


def test_unknown_kids_are_answered_at_once_while_the_issuer_hangs(
    api_client: APIClient, issuer: Issuer, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert get(api_client, issuer.token()).status_code == 200
    hung = HungIssuer()
    monkeypatch.setattr(remote_keys, "fetch_jwks", hung)
    clock.now += remote_keys.REFETCH_SECONDS
    strangers = [issuer.token(key=generate_private_key(ALGORITHM)) for _ in range(5)]
    known = issuer.token(jti="known")
    try:
        started = time.monotonic()
        refused = [get(api_client, token).status_code for token in strangers]
        accepted = get(api_client, known).status_code
        elapsed = time.monotonic() - started
        # Stale keys cannot tell a key published meanwhile from a made-up one.
        clock.now += remote_keys.DEFAULT_MAX_AGE_SECONDS
        stale = get(api_client, strangers[0])
    finally:
        hung.released.set()
        after_the_background_refresh(verifier_keys())

    assert refused == [401] * 5
    assert accepted == 200
    assert elapsed < 2
    # One fetch for the five, the others wait for the interval.
    assert hung.calls == 1
    assert stale.status_code == 503
    assert int(stale["Retry-After"]) >= 1


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
