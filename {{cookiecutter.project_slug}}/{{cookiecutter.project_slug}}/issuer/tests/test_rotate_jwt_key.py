"""``manage.py rotate_jwt_key``: a new signing key, the old one verifying until its tokens expire.

Key pairs are published before they sign: ``test_keys_published_before_use.py``.
Here a key pair signs at once (``JWT_KEY_PUBLISH_SECONDS=0``).
"""

import stat
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import environ
import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.issuer.rotation import kid_of, prune_previous_keys
from {{ cookiecutter.project_slug }}.issuer.tokens import AccessToken
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_signing_keys
from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    next_keys_dir,
    previous_verifying_keys_from_env,
    retired_key_name,
    signing_keys_from_env,
)
from {{ cookiecutter.project_slug }}.security_events.models import SecurityEvent
from {{ cookiecutter.project_slug }}.users.models import User

from tests.helpers import authorization_header, token_part

# A rotation is recorded as a security event.
pytestmark = pytest.mark.django_db

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
PREVIOUS_DIR = Path("keys/previous")


def settings_of(checkout: Path) -> dict:
    """Return the key settings a service started in ``checkout`` would read."""
    env = environ.Env()
    if is_hmac(ALGORITHM):
        env.read_env(checkout / ".env", overwrite=True)
    keys = signing_keys_from_env(env, checkout)
    simple_jwt = settings.SIMPLE_JWT | keys
    return {
        "SIMPLE_JWT": simple_jwt,
        "JWT_PREVIOUS_VERIFYING_KEYS": previous_verifying_keys_from_env(
            env, checkout, simple_jwt
        ),
        "JWT_NEXT_KEYS_DIR": next_keys_dir(env, checkout),
    }


def rotate(checkout: Path, *args: str, publish_seconds: int = 0) -> str:
    """Run ``rotate_jwt_key`` in ``checkout``; return what it printed."""
    out = StringIO()
    with override_settings(BASE_DIR=checkout, JWT_KEY_PUBLISH_SECONDS=publish_seconds):
        call_command("rotate_jwt_key", *args, stdout=out)
    return out.getvalue()


def retire_current_key(checkout: Path) -> str:
    """Rotate until the current key is retired; return what the last run printed.

    A key pair is retired when the key published after it is promoted: at
    the next rotation.
    """
    output = rotate(checkout)
    return output if is_hmac(ALGORITHM) else rotate(checkout)


def test_rotation_signs_with_a_new_key_and_still_verifies_the_old_one(
    checkout: Path, api_client: APIClient, user: User
) -> None:
    with override_settings(**settings_of(checkout)):
        old_token = str(AccessToken.for_user(user))

    output = rotate(checkout)

    with override_settings(**settings_of(checkout)):
        new_token = str(AccessToken.for_user(user))
        for token in (old_token, new_token):
            response = api_client.get(
                "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
            )
            assert response.status_code == 200, response.content
    old_kid, new_kid = (token_part(t, 0)["kid"] for t in (old_token, new_token))
    assert old_kid != new_kid
    assert f"New {ALGORITHM} signing key {new_kid}" in output
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SIGNING_KEY_ROTATED)
    assert event.details["new_kid"] == new_kid
    assert event.details["old_kid"] == old_kid
    if is_hmac(ALGORITHM):
        assert f"previous key {old_kid} keeps verifying" in output
        (retired,) = (checkout / PREVIOUS_DIR).iterdir()
        assert old_kid in retired.name
        assert stat.S_IMODE(retired.stat().st_mode) == 0o600
    else:
        assert f"The key {old_kid} signs until then." in output
        (published,) = (checkout / "keys/next").iterdir()
        assert new_kid in published.name
        assert stat.S_IMODE(published.stat().st_mode) == 0o600


def test_a_key_pair_is_retired_when_its_successor_is_promoted(
    checkout: Path, api_client: APIClient, user: AbstractBaseUser
) -> None:
    if is_hmac(ALGORITHM):
        pytest.skip("An HMAC secret is retired at once.")
    with override_settings(**settings_of(checkout)):
        first_token = str(AccessToken.for_user(user))
    rotate(checkout)
    with override_settings(**settings_of(checkout)):
        second_token = str(AccessToken.for_user(user))

    output = rotate(checkout)

    first_kid, second_kid = (
        token_part(t, 0)["kid"] for t in (first_token, second_token)
    )
    assert (
        f"The key {second_kid} signs until then; the one before it keeps verifying"
        in output
    )
    (retired,) = (checkout / PREVIOUS_DIR).iterdir()
    assert first_kid in retired.name
    assert "PRIVATE" not in retired.read_text()
    assert stat.S_IMODE(retired.stat().st_mode) == 0o600
    private = checkout / "keys/jwt_private.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    # A service started now reads the promoted key as its current key.
    assert (
        kid_of(ALGORITHM, (checkout / "keys/jwt_public.pem").read_text()) == second_kid
    )
    with override_settings(**settings_of(checkout)):
        for token in (first_token, second_token):
            response = api_client.get(
                "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
            )
            assert response.status_code == 200, response.content


def test_a_key_retired_longer_ago_than_the_refresh_lifetime_drops_out(
    checkout: Path,
) -> None:
    retire_current_key(checkout)
    (retired,) = (checkout / PREVIOUS_DIR).iterdir()
    lifetime = settings.SIMPLE_JWT["REFRESH_TOKEN_LIFETIME"]
    long_ago = datetime.now(tz=UTC) - lifetime - timedelta(minutes=1)
    kid = retired.name.partition("-")[2].rpartition(".")[0]
    expired = retired.with_name(retired_key_name(kid, long_ago, retired.suffix))
    retired.rename(expired)
    assert settings_of(checkout)["JWT_PREVIOUS_VERIFYING_KEYS"] == []

    output = rotate(checkout, "--prune")

    assert f"Deleted {PREVIOUS_DIR / expired.name}" in output
    assert list((checkout / PREVIOUS_DIR).iterdir()) == []


def test_prune_keeps_young_keys_and_files_named_by_hand(tmp_path: Path) -> None:
    now = datetime.now(tz=UTC)
    young = tmp_path / retired_key_name("young", now - timedelta(hours=1), ".pem")
    old = tmp_path / retired_key_name("old", now - timedelta(days=2), ".pem")
    by_hand = tmp_path / "from-the-old-server.pem"
    for path in (young, old, by_hand):
        path.write_text("key")
    assert prune_previous_keys(tmp_path, timedelta(days=1), now) == [old]
    assert sorted(tmp_path.iterdir()) == sorted([young, by_hand])


def test_keys_kept_in_the_environment_are_not_rotated_here(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = generate_signing_keys(ALGORITHM)
    if is_hmac(ALGORITHM):
        monkeypatch.setenv("JWT_SIGNING_KEY", keys["SIGNING_KEY"])
    else:
        monkeypatch.setenv("JWT_PRIVATE_KEY", keys["SIGNING_KEY"])
    with pytest.raises(CommandError, match="set in the environment"):
        rotate(checkout)
    assert not (checkout / PREVIOUS_DIR).exists()


def test_previous_keys_may_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first, second = (generate_signing_keys(ALGORITHM) for _ in range(2))
    if is_hmac(ALGORITHM):
        expected = [first["SIGNING_KEY"], second["SIGNING_KEY"]]
        monkeypatch.setenv("JWT_PREVIOUS_SIGNING_KEYS", ",".join(expected))
    else:
        expected = [first["VERIFYING_KEY"].strip(), second["VERIFYING_KEY"].strip()]
        one_line = "".join(expected).replace("\n", "\\n")
        monkeypatch.setenv("JWT_PREVIOUS_PUBLIC_KEYS", one_line)
    keys = previous_verifying_keys_from_env(
        environ.Env(), tmp_path, settings.SIMPLE_JWT
    )
    assert keys == expected
