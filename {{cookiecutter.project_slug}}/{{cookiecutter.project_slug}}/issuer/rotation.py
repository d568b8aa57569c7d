"""Key rotation without downtime: a new signing key, the old one still verifying.

A key pair is published before it signs: ``rotate_signing_key`` writes the
new private key into the folder of next keys (``JWT_NEXT_KEYS_DIR``,
``keys/next`` by default) named by the time it may sign from,
``JWT_KEY_PUBLISH_SECONDS`` later. Every issuer sharing the folder publishes
it at once and signs with it from then on, without a restart
(``backend.py``). The next rotation promotes it: the current key's public
half is retired into the folder of previous keys (``JWT_PREVIOUS_KEYS_DIR``,
``keys/previous`` by default) under a name that says when, and the promoted
key is written where the current key lives, for the services that start
later. A rotation while a key is still being published is refused.

An HMAC secret is never published: ``rotate_signing_key`` retires it into
the previous keys and writes a new one into ``.env`` at once. Running
services keep signing with the old secret until they start again (or
reload); from then on they sign with the new one and still verify tokens of
the old one. Once the refresh token lifetime has passed,
no live token was signed by the retired key: the settings leave it out, and
``prune_previous_keys`` deletes its file.

Keys given as text in the environment (``JWT_PRIVATE_KEY``, or a
``JWT_SIGNING_KEY`` that is not in ``.env``) cannot be rotated from here: the
README says how to rotate them where they are set.
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

from cryptography.hazmat.primitives.serialization import load_pem_private_key

from {{ cookiecutter.project_slug }}.jwt_auth.backends import load_key_set
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.generation import (
    generate_hmac_key,
    generate_private_key,
    private_key_to_pem,
    public_key_to_pem,
)
from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    next_key_name,
    next_keys,
    not_before_of,
    retired_at,
    retired_key_name,
)

from .key_files import (
    dotenv_value,
    replace_file,
    set_dotenv_value,
    write_private_file,
)


class RotationError(Exception):
    """The key cannot be rotated from here; the message says what to do instead."""


@dataclass(frozen=True)
class Rotation:
    """What a rotation did."""

    old_kid: str
    new_kid: str
    # When the new key signs; None: when the services start again (HMAC).
    not_before: datetime | None
    # The key retired by this rotation, if one was.
    retired_file: Path | None


@dataclass(frozen=True)
class KeyFolders:
    """Where a checkout keeps its keys: ``.env`` and the key files, retired keys, next keys."""

    base_dir: Path
    previous_dir: Path
    next_dir: Path


def rotate_signing_key(
    algorithm: str,
    folders: KeyFolders,
    *,
    publish_for: timedelta,
    now: datetime,
    environ: Mapping[str, str] = os.environ,
) -> Rotation:
    """Publish a new signing key that signs after ``publish_for``, or write a new secret.

    HMAC: the secret of ``JWT_SIGNING_KEY`` in ``base_dir/.env``, replaced at
    once. Key pairs: the files named by ``JWT_PRIVATE_KEY_FILE`` and
    ``JWT_PUBLIC_KEY_FILE``, and the folder of next keys. Raise RotationError
    when the key is not kept in those places.
    """
    base_dir, previous_dir = folders.base_dir, folders.previous_dir
    if is_hmac(algorithm):
        return rotate_secret(algorithm, base_dir / ".env", previous_dir, now, environ)
    if environ.get("JWT_PRIVATE_KEY"):
        message = (
            "JWT_PRIVATE_KEY is set in the environment: rotate it there (see "
            "the README, 'Rotating the signing key')."
        )
        raise RotationError(message)
    private_name = environ.get("JWT_PRIVATE_KEY_FILE")
    public_name = environ.get("JWT_PUBLIC_KEY_FILE")
    if not (private_name and public_name):
        message = "Set JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE (see .env.example)."
        raise RotationError(message)
    key_files = KeyPairFiles(algorithm, base_dir / private_name, base_dir / public_name)
    return rotate_key_pair(key_files, previous_dir, folders.next_dir, publish_for, now)


@dataclass(frozen=True)
class KeyPairFiles:
    """The files of the current key pair."""

    algorithm: str
    private_path: Path
    public_path: Path

    def current_private_pem(self) -> str:
        """Return the current private key; RotationError when there is none."""
        try:
            return self.private_path.read_text()
        except FileNotFoundError:
            message = f"{self.private_path} does not exist: run 'python manage.py generate_jwt_keys'."
            raise RotationError(message) from None

    def kid(self, private_pem: str) -> str:
        """Return the ``kid`` of the key ``private_pem``."""
        return kid_of(self.algorithm, public_half(private_pem))

    def replace(self, private_pem: str) -> None:
        """Make ``private_pem`` the current key."""
        replace_file(self.private_path, private_pem)
        replace_file(self.public_path, public_half(private_pem))


def rotate_key_pair(
    key_files: KeyPairFiles,
    previous_dir: Path,
    next_dir: Path,
    publish_for: timedelta,
    now: datetime,
) -> Rotation:
    """Promote the next key, if its time has come, and publish a new one.

    The new key signs ``publish_for`` after it is written. Raise RotationError while the
    next key does not sign yet: it would be replaced before it ever signed.
    """
    current = key_files.current_private_pem()
    scheduled = next_keys(next_dir)
    if waiting := [key for key in scheduled if not key.signs_at(now)]:
        kid = key_files.kid(waiting[-1].private_pem)
        since = waiting[-1].not_before.strftime("%Y-%m-%d %H:%M:%S UTC")
        message = (
            f"The key {kid} is published and signs from {since}: rotate "
            "again after that."
        )
        raise RotationError(message)
    retired = None
    if scheduled and key_files.kid(scheduled[-1].private_pem) != key_files.kid(current):
        old_public = public_half(current)
        retired = retire(previous_dir, key_files.kid(current), old_public, ".pem", now)
        current = scheduled[-1].private_pem
        key_files.replace(current)

    new_private = private_key_to_pem(generate_private_key(key_files.algorithm))
    new_kid = key_files.kid(new_private)
    next_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Counted from the moment the key is on disk: making an RSA key takes a
    # while, which must not shorten the time it is published.
    not_before = max(now, datetime.now(tz=now.tzinfo)) + publish_for
    # In one rename: issuers read the folder whenever a name appears in it.
    replace_file(next_dir / next_key_name(new_kid, not_before), new_private)
    return Rotation(key_files.kid(current), new_kid, not_before, retired)


def public_half(private_pem: str) -> str:
    """Return the public key PEM of the private key ``private_pem``."""
    return public_key_to_pem(load_pem_private_key(private_pem.encode(), password=None))


def rotate_secret(
    algorithm: str,
    dotenv: Path,
    previous_dir: Path,
    now: datetime,
    environ: Mapping[str, str],
) -> Rotation:
    """Retire the ``JWT_SIGNING_KEY`` secret of ``dotenv``; write a new one there."""
    old_secret = dotenv_value(dotenv, "JWT_SIGNING_KEY")
    if not old_secret:
        message = f"{dotenv} has no JWT_SIGNING_KEY: run 'python manage.py generate_jwt_keys'."
        raise RotationError(message)
    if environ.get("JWT_SIGNING_KEY", old_secret) != old_secret:
        message = (
            "JWT_SIGNING_KEY is set in the environment, not from .env: rotate it "
            "there (see the README, 'Rotating the signing key')."
        )
        raise RotationError(message)
    old_kid = kid_of(algorithm, old_secret)
    retired = retire(previous_dir, old_kid, old_secret, ".secret", now)
    new_secret = generate_hmac_key(algorithm)
    set_dotenv_value(dotenv, "JWT_SIGNING_KEY", new_secret)
    return Rotation(old_kid, kid_of(algorithm, new_secret), None, retired)


def prune_previous_keys(
    previous_dir: Path, lifetime: timedelta, now: datetime
) -> list[Path]:
    """Delete the retired keys of ``previous_dir`` older than ``lifetime``; return their files."""
    if not previous_dir.is_dir():
        return []
    oldest = now - lifetime
    expired = [
        path
        for path in sorted(previous_dir.iterdir())
        if path.suffix in {".pem", ".secret"} and retired_at(path) <= oldest
    ]
    for path in expired:
        path.unlink()
    return expired


def prune_next_keys(next_dir: Path, lifetime: timedelta, now: datetime) -> list[Path]:
    """Delete the next keys replaced longer than ``lifetime`` ago; return their files.

    A key stays in the folder while it may have signed a live token: the
    issuers that did not start since it signed still verify with it from there.
    """
    if not next_dir.is_dir():
        return []
    files = sorted(next_dir.glob("*.pem"))
    expired = [
        path
        for path, successor in pairwise(files)
        if not_before_of(successor) <= now - lifetime
    ]
    for path in expired:
        path.unlink()
    return expired


def kid_of(algorithm: str, text: str) -> str:
    """Return the ``kid`` of a public key PEM or an HMAC secret."""
    kid = load_key_set(algorithm, text, text).signing_kid
    if kid is None:  # Never: a key set loaded with a signing key names it.
        message = "The key set names no signing key."
        raise RotationError(message)
    return kid


def retire(previous_dir: Path, kid: str, text: str, suffix: str, now: datetime) -> Path:
    """Write ``text`` as the key ``kid`` retired ``now``; return its file."""
    previous_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = previous_dir / retired_key_name(kid, now, suffix)
    write_private_file(path, text)
    return path
