"""Key rotation without downtime: a new signing key, the old one still verifying.

``rotate_signing_key`` retires the current key into the folder of previous
keys (``JWT_PREVIOUS_KEYS_DIR``, ``keys/previous`` by default; the public half
only, for a key pair) under a name that says when, and writes a new one where
the current key lives. Running services keep signing with the old key until
they start again (or reload); from then on they sign with the new key and
still verify tokens of the old one. Once the refresh token lifetime has passed,
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
    retired_file: Path


def rotate_signing_key(
    algorithm: str,
    *,
    base_dir: Path,
    previous_dir: Path,
    now: datetime,
    environ: Mapping[str, str] = os.environ,
) -> Rotation:
    """Retire the current signing key into ``previous_dir`` and write a new one.

    HMAC: the secret of ``JWT_SIGNING_KEY`` in ``base_dir/.env``. Key pairs:
    the files named by ``JWT_PRIVATE_KEY_FILE`` and ``JWT_PUBLIC_KEY_FILE``.
    Raise RotationError when the key is not kept in those places.
    """
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
    return rotate_key_pair(
        algorithm, base_dir / private_name, base_dir / public_name, previous_dir, now
    )


def rotate_key_pair(
    algorithm: str,
    private_path: Path,
    public_path: Path,
    previous_dir: Path,
    now: datetime,
) -> Rotation:
    """Retire the public key of ``private_path``; write a new pair in its place."""
    try:
        old_private = load_pem_private_key(private_path.read_bytes(), password=None)
    except FileNotFoundError:
        message = (
            f"{private_path} does not exist: run 'python manage.py generate_jwt_keys'."
        )
        raise RotationError(message) from None
    old_public_pem = public_key_to_pem(old_private)
    old_kid = kid_of(algorithm, old_public_pem)
    retired = retire(previous_dir, old_kid, old_public_pem, ".pem", now)

    new_private = generate_private_key(algorithm)
    replace_file(private_path, private_key_to_pem(new_private))
    new_public_pem = public_key_to_pem(new_private)
    replace_file(public_path, new_public_pem)
    return Rotation(old_kid, kid_of(algorithm, new_public_pem), retired)


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
    return Rotation(old_kid, kid_of(algorithm, new_secret), retired)


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
