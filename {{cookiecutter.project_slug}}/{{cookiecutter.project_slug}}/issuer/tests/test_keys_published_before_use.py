"""A key pair from ``rotate_jwt_key`` is in the JWKS ``JWT_KEY_PUBLISH_SECONDS`` before it signs.

Verifiers cache the key set: a token signed with a key they never saw fails
until their cache expires. Each test starts services the way a restart does
(settings read again from the checkout) or keeps one running across the
rotation, as several issuers sharing the keys folder would.
"""

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import CommandError
from django.test import override_settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.issuer.checks import check_next_key_files
from {{ cookiecutter.project_slug }}.issuer.rotation import prune_next_keys
from {{ cookiecutter.project_slug }}.issuer.tokens import AccessToken
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.loading import next_key_name

from .test_rotate_jwt_key import rotate, settings_of
from tests.helpers import authorization_header, token_part

pytestmark = [
    pytest.mark.skipif(
        is_hmac(settings.SIMPLE_JWT["ALGORITHM"]),
        reason="An HMAC secret is never published.",
    ),
    # A rotation is recorded as a security event.
    pytest.mark.django_db,
]
PUBLISH_SECONDS = 60


def signing_kid(user: AbstractBaseUser) -> str:
    """Return the kid of a token signed now."""
    return token_part(str(AccessToken.for_user(user)), 0)["kid"]


def published_kids(api_client: APIClient) -> list[str]:
    """Return the kids of the served JWKS."""
    response = api_client.get("/.well-known/jwks.json")
    assert response.status_code == 200, response.content
    return [key["kid"] for key in response.json()["keys"]]


def let_publish_time_pass(checkout: Path) -> None:
    """Make the next keys of ``checkout`` due, as if JWT_KEY_PUBLISH_SECONDS had passed."""
    for path in (checkout / "keys/next").iterdir():
        kid = path.name.partition("-")[2].rpartition(".")[0]
        due = datetime.now(tz=UTC) - timedelta(seconds=1)
        path.rename(path.with_name(next_key_name(kid, due)))


def new_kid_of(output: str) -> str:
    """Return the kid ``rotate_jwt_key`` said it made."""
    return output.split("signing key ", 1)[1].partition(":")[0]


def test_the_new_key_is_published_at_once_and_signs_only_after_the_publish_time(
    checkout: Path, api_client: APIClient, user: AbstractBaseUser
) -> None:
    with override_settings(**settings_of(checkout)):
        old_kid = signing_kid(user)
        # A service running since before the rotation.
        new_kid = new_kid_of(rotate(checkout, publish_seconds=PUBLISH_SECONDS))

        assert published_kids(api_client) == [old_kid, new_kid]
        assert signing_kid(user) == old_kid

        let_publish_time_pass(checkout)

        assert signing_kid(user) == new_kid
        assert published_kids(api_client) == [old_kid, new_kid]


def test_the_new_key_signs_once_the_time_passes_with_no_change_on_disk(
    checkout: Path, user: AbstractBaseUser
) -> None:
    with override_settings(**settings_of(checkout)):
        old_kid = signing_kid(user)
        new_kid = new_kid_of(rotate(checkout, publish_seconds=1))
        assert signing_kid(user) == old_kid
        time.sleep(1.1)
        assert signing_kid(user) == new_kid


def test_a_restart_keeps_the_schedule(
    checkout: Path, api_client: APIClient, user: AbstractBaseUser
) -> None:
    with override_settings(**settings_of(checkout)):
        old_kid = signing_kid(user)
    new_kid = new_kid_of(rotate(checkout, publish_seconds=PUBLISH_SECONDS))

    with override_settings(**settings_of(checkout)):
        assert published_kids(api_client) == [old_kid, new_kid]
        assert signing_kid(user) == old_kid
    let_publish_time_pass(checkout)
    with override_settings(**settings_of(checkout)):
        assert signing_kid(user) == new_kid


@pytest.mark.parametrize(
    "damage", [b"not a key", b"\xff\xfe\x00 not even text"], ids=["text", "binary"]
)
def test_a_damaged_next_key_is_logged_and_neither_published_nor_used(
    checkout: Path,
    api_client: APIClient,
    user: AbstractBaseUser,
    caplog: pytest.LogCaptureFixture,
    damage: bytes,
) -> None:
    with override_settings(**settings_of(checkout)):
        old_kid = signing_kid(user)
        next_dir = checkout / "keys/next"
        next_dir.mkdir(parents=True, exist_ok=True)
        due = datetime.now(tz=UTC) - timedelta(seconds=1)
        damaged = next_dir / next_key_name("damaged", due)
        damaged.write_bytes(damage)

        assert signing_kid(user) == old_kid
        assert published_kids(api_client) == [old_kid]
        assert "is not a" in caplog.text
        assert "neither published nor used" in caplog.text
        # And the start says so, naming the file.
        (warning,) = check_next_key_files()
    assert warning.id == "jwt_auth.W002"
    assert str(damaged) in warning.msg


def test_a_next_key_of_the_checkout_passes_the_start_check(checkout: Path) -> None:
    rotate(checkout, publish_seconds=PUBLISH_SECONDS)
    with override_settings(**settings_of(checkout)):
        assert check_next_key_files() == []


def test_a_rotation_while_a_key_is_published_is_refused(checkout: Path) -> None:
    rotate(checkout, publish_seconds=PUBLISH_SECONDS)
    with pytest.raises(CommandError, match="is published and signs from"):
        rotate(checkout, publish_seconds=PUBLISH_SECONDS)
    assert len(list((checkout / "keys/next").iterdir())) == 1


def test_a_service_not_restarted_follows_two_rotations(
    checkout: Path, api_client: APIClient, user: AbstractBaseUser
) -> None:
    with override_settings(**settings_of(checkout)):
        first_kid = signing_kid(user)
        first_token = str(AccessToken.for_user(user))
        second_kid = new_kid_of(rotate(checkout, publish_seconds=PUBLISH_SECONDS))
        let_publish_time_pass(checkout)
        second_token = str(AccessToken.for_user(user))
        third_kid = new_kid_of(rotate(checkout, publish_seconds=PUBLISH_SECONDS))

        # The promotion rewrote the key files this service read at its start.
        assert signing_kid(user) == second_kid
        assert published_kids(api_client) == [first_kid, second_kid, third_kid]
        for token in (first_token, second_token):
            response = api_client.get(
                "/api/me/", HTTP_AUTHORIZATION=authorization_header(token)
            )
            assert response.status_code == 200, response.content

    # A service started now agrees on every key.
    with override_settings(**settings_of(checkout)):
        assert signing_kid(user) == second_kid
        assert sorted(published_kids(api_client)) == sorted(
            [first_kid, second_kid, third_kid]
        )


def test_next_keys_are_deleted_once_their_successor_signed_for_a_refresh_lifetime(
    tmp_path: Path,
) -> None:
    now = datetime.now(tz=UTC)
    lifetime = timedelta(days=1)
    replaced_long_ago = tmp_path / next_key_name("a", now - timedelta(days=3))
    successor = tmp_path / next_key_name("b", now - timedelta(days=2))
    current = tmp_path / next_key_name("c", now - timedelta(hours=1))
    pending = tmp_path / next_key_name("d", now + timedelta(minutes=5))
    for path in (replaced_long_ago, successor, current, pending):
        path.write_text("key")

    assert prune_next_keys(tmp_path, lifetime, now) == [replaced_long_ago]
    assert sorted(tmp_path.iterdir()) == [successor, current, pending]
