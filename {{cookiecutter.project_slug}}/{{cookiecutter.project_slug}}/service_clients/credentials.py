"""Client secrets: made random, shown once, stored as a keyed hash.

A client secret is 256 random bits, not a password a person chose: a fast
keyed hash (HMAC-SHA256 under ``SECRET_KEY``, Django's ``salted_hmac``) makes
a stolen table useless without the key, and checking one costs microseconds,
so the token endpoint does not need a slow password hash. The keys of
``SECRET_KEY_FALLBACKS`` still verify, so rotating ``SECRET_KEY`` keeps the
clients working until their secrets are rotated.
"""

import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "{{ cookiecutter.project_slug }}.service_clients.secret"
# A hash no secret matches: an unknown client costs the time a known one does.
UNKNOWN_CLIENT_HASH = "0" * 64


def new_secret() -> str:
    """Return a new client secret (43 URL-safe characters)."""
    return secrets.token_urlsafe(32)


def secret_hash(secret: str, key: str | None = None) -> str:
    """Return the keyed hash of ``secret`` stored for it (``key``: SECRET_KEY)."""
    return salted_hmac(SALT, secret, secret=key, algorithm="sha256").hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    """Return True when ``secret`` hashes to ``stored_hash`` under a current key."""
    keys = [str(key) for key in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]]
    # Every key is tried, whichever matches: the time says nothing.
    matches = [
        constant_time_compare(secret_hash(secret, key), stored_hash) for key in keys
    ]
    return any(matches)
