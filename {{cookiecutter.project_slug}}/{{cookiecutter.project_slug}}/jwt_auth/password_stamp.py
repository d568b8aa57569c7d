"""A claim that ends a user's tokens when their password changes, and tells nothing about it.

simplejwt's ``CHECK_REVOKE_TOKEN`` puts an MD5 of the password hash in every
token, for anyone holding a token to read. Tokens here carry an HMAC of the
password hash under ``SECRET_KEY`` instead (Django's own way of ending the
sessions of a changed password, ``get_session_auth_hash``, with a salt of its
own): it changes with the password and, without the server's secret, says
nothing about the hash. Tokens stamped under a key of
``SECRET_KEY_FALLBACKS`` keep working while that key is a fallback.
"""

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

CLAIM = "password_stamp"
SALT = "{{ cookiecutter.project_slug }}.jwt_auth.password_stamp"
# 128 bits of the HMAC: enough that no stamp can be guessed.
STAMP_LENGTH = 32


def password_stamp(password_hash: str, secret: str | bytes | None = None) -> str:
    """Return the stamp of ``password_hash`` under ``secret`` (default ``SECRET_KEY``)."""
    digest = salted_hmac(SALT, password_hash, secret=secret, algorithm="sha256")
    return digest.hexdigest()[:STAMP_LENGTH]


def password_stamps(password_hash: str) -> tuple[str, ...]:
    """Return every stamp of ``password_hash`` still accepted: current key first."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return tuple(password_stamp(password_hash, secret) for secret in secrets)


def stamp_matches(stamp: object, stamps: tuple[str, ...]) -> bool:
    """Return True when ``stamp`` (a token's claim) is one of ``stamps``."""
    return isinstance(stamp, str) and any(
        constant_time_compare(stamp, accepted) for accepted in stamps
    )
