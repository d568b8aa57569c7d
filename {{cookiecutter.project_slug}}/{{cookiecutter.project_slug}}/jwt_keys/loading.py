"""Where the settings find the JWT signing keys: the environment or key files.

Django-free on purpose: the settings import this package and no other
application code, and a missing key must not stop them from loading, so that ``manage.py
generate_jwt_keys`` can run on a fresh checkout to make one. A missing key is
left empty here; the system check ``jwt_auth.E002`` then refuses to start
with the command that fixes it.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import environ

from .algorithms import is_hmac


def signing_keys_from_env(env: environ.Env, base_dir: Path) -> dict[str, str]:
    """Return the ``SIGNING_KEY`` and ``VERIFYING_KEY`` settings the environment gives.

    ``JWT_SIGNING_KEY`` (a shared secret, for HMAC algorithms) when set, else a
    key pair: the PEM text of ``JWT_PRIVATE_KEY`` and ``JWT_PUBLIC_KEY``, or
    the files named by ``JWT_PRIVATE_KEY_FILE`` and ``JWT_PUBLIC_KEY_FILE``
    (relative to ``base_dir``). Whether the keys suit the algorithm is for the
    system checks to say; what is missing here is an empty string.
    """
    if secret := env.str("JWT_SIGNING_KEY", default=""):
        return {"SIGNING_KEY": secret, "VERIFYING_KEY": ""}
    return {
        "SIGNING_KEY": _pem_from_env(env, base_dir, "JWT_PRIVATE_KEY"),
        "VERIFYING_KEY": _pem_from_env(env, base_dir, "JWT_PUBLIC_KEY"),
    }


def key_files(env: environ.Env, base_dir: Path) -> dict[str, str]:
    """Return the files ``SIGNING_KEY`` and ``VERIFYING_KEY`` are read from, by setting.

    For the system checks, so that a damaged or missing key names its file;
    a key given as text comes from no file.
    """
    if env.str("JWT_SIGNING_KEY", default=""):
        return {}
    files = {}
    for setting, name in (
        ("SIGNING_KEY", "JWT_PRIVATE_KEY"),
        ("VERIFYING_KEY", "JWT_PUBLIC_KEY"),
    ):
        filename = env.str(f"{name}_FILE", default="")
        if filename and not env.str(name, default=""):
            files[setting] = str(Path(base_dir) / filename)
    return files


def read_key_file(path: Path) -> str:
    """Return the text of the key file ``path``; '' when it cannot be read.

    A file that is not text reads as text that is no key: the system checks
    name the file, where an exception here would stop the settings loading.
    """
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def secret_key_files(env: environ.Env, base_dir: Path) -> list[str]:
    """Return the files the JWT secrets are read from, for the system checks.

    The private key file (unless the key comes as text, or the algorithm is
    HMAC, whose secret comes from ``JWT_SIGNING_KEY``), the HMAC secrets
    ``rotate_jwt_key`` retired and the private keys it published to sign next. The check ``jwt_auth.E015`` refuses to start
    when group or others can read one.
    """
    files = []
    key_as_text = env.str("JWT_SIGNING_KEY", default="") or env.str(
        "JWT_PRIVATE_KEY", default=""
    )
    filename = env.str("JWT_PRIVATE_KEY_FILE", default="")
    if filename and not key_as_text:
        files.append(str(Path(base_dir) / filename))
    folder = previous_keys_dir(env, base_dir)
    if folder.is_dir():
        files += [str(path) for path in sorted(folder.glob("*.secret"))]
    folder = next_keys_dir(env, base_dir)
    if folder.is_dir():
        files += [str(path) for path in sorted(folder.glob("*.pem"))]
    return files


def previous_verifying_keys_from_env(
    env: environ.Env, base_dir: Path, simple_jwt: dict
) -> list[str]:
    """Return the previous keys that still verify tokens, newest first.

    ``manage.py rotate_jwt_key`` retires the current key into the folder
    ``JWT_PREVIOUS_KEYS_DIR`` (``keys/previous`` by default, relative to
    ``base_dir``): public keys as ``*.pem`` files, HMAC secrets as ``*.secret``
    files, named by the time they were retired. A file retired longer ago than
    the refresh token lifetime signed no token that is still alive: it is
    left out, and ``rotate_jwt_key`` deletes it. In production the folder may
    be mounted, or the keys given in ``JWT_PREVIOUS_PUBLIC_KEYS`` (PEM blocks,
    one after the other) or ``JWT_PREVIOUS_SIGNING_KEYS`` (comma-separated
    secrets), which are used until you remove them.
    """
    hmac = is_hmac(simple_jwt["ALGORITHM"])
    folder = previous_keys_dir(env, base_dir)
    pattern = "*.secret" if hmac else "*.pem"
    files = sorted(folder.glob(pattern), reverse=True) if folder.is_dir() else []
    oldest = datetime.now(tz=UTC) - retired_keys_lifetime(simple_jwt)
    keys = [read_key_file(path).strip() for path in files if retired_at(path) > oldest]
    if hmac:
        keys += env.list("JWT_PREVIOUS_SIGNING_KEYS", default=[])
    else:
        text = env.str("JWT_PREVIOUS_PUBLIC_KEYS", default="").replace("\\n", "\n")
        keys += PEM_BLOCK.findall(text)
    return [key for key in keys if key]


PEM_BLOCK = re.compile(r"-----BEGIN [A-Z ]+-----.+?-----END [A-Z ]+-----", re.DOTALL)
# Retired key files are named "<retired at, UTC>-<kid>.pem" (or ".secret").
RETIRED_AT_FORMAT = "%Y%m%dT%H%M%SZ"


def previous_keys_dir(env: environ.Env, base_dir: Path) -> Path:
    """Return the folder of retired keys (``JWT_PREVIOUS_KEYS_DIR``)."""
    return Path(base_dir) / env.str("JWT_PREVIOUS_KEYS_DIR", default="keys/previous")


def next_keys_dir(env: environ.Env, base_dir: Path) -> Path:
    """Return the folder of keys published before they sign (``JWT_NEXT_KEYS_DIR``)."""
    return Path(base_dir) / env.str("JWT_NEXT_KEYS_DIR", default="keys/next")


# Verifiers may cache the key set for the JWKS max-age (300 s), and common
# clients (PyJWKClient, Node jose) refetch at most every 30 s: a new key is
# published this long before it signs, so every cached set has it by then.
KEY_PUBLISH_SECONDS = 330


def key_publish_seconds(env: environ.Env) -> int:
    """Return how long a new key is published before it signs (``JWT_KEY_PUBLISH_SECONDS``)."""
    return env.int("JWT_KEY_PUBLISH_SECONDS", default=KEY_PUBLISH_SECONDS)


@dataclass(frozen=True)
class NextKey:
    """A private key ``rotate_jwt_key`` published, that signs from ``not_before`` on."""

    not_before: datetime
    private_pem: str

    def signs_at(self, now: datetime) -> bool:
        """Return True when the key may sign at ``now``."""
        return self.not_before <= now


def next_keys(folder: Path | None) -> list[NextKey]:
    """Return the keys of ``folder`` (``<not before, UTC>-<kid>.pem`` files), oldest first."""
    if folder is None or not folder.is_dir():
        return []
    return [
        NextKey(not_before_of(path), read_key_file(path))
        for path in sorted(folder.glob("*.pem"))
    ]


# Next keys are named "<signs from, UTC, to the microsecond>-<kid>.pem":
# rounded to the second, a key could sign before its publication time.
NOT_BEFORE_FORMAT = "%Y%m%dT%H%M%S.%fZ"


def next_key_name(kid: str, not_before: datetime) -> str:
    """Return the file name of the next key ``kid`` that signs from ``not_before``."""
    return f"{not_before.astimezone(UTC).strftime(NOT_BEFORE_FORMAT)}-{kid}.pem"


def not_before_of(path: Path) -> datetime:
    """Return when the next key in ``path`` signs from; never if its name does not say."""
    stamp = path.name.partition("-")[0]
    try:
        return datetime.strptime(stamp, NOT_BEFORE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)


def retired_key_name(kid: str, retired: datetime, suffix: str) -> str:
    """Return the file name of a key with ``kid`` retired at ``retired``."""
    return f"{retired.astimezone(UTC).strftime(RETIRED_AT_FORMAT)}-{kid}{suffix}"


def retired_at(path: Path) -> datetime:
    """Return when the key in ``path`` was retired; the far future if its name does not say.

    A file named by hand is kept until it is removed by hand.
    """
    stamp = path.name.partition("-")[0]
    try:
        return datetime.strptime(stamp, RETIRED_AT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return datetime.max.replace(tzinfo=UTC)


def retired_keys_lifetime(simple_jwt: dict) -> timedelta:
    """Return how long a retired key keeps verifying: the life of its last refresh token."""
    leeway = simple_jwt.get("LEEWAY") or 0
    if not isinstance(leeway, timedelta):
        leeway = timedelta(seconds=leeway)
    return simple_jwt["REFRESH_TOKEN_LIFETIME"] + leeway


def _pem_from_env(env: environ.Env, base_dir: Path, name: str) -> str:
    if pem := env.str(name, default=""):
        # Single-line variables (CI secrets, container platforms) carry "\n".
        return pem.replace("\\n", "\n")
    if not (filename := env.str(f"{name}_FILE", default="")):
        return ""
    return read_key_file(Path(base_dir) / filename)
