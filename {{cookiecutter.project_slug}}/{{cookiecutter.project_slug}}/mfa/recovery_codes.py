"""Recovery codes: random, shown once, stored as digests in django-otp's static device.

A code is 16 characters of base32 (80 random bits), shown in groups of four.
Its stored form is 16 hex characters of its SHA-256 (64 bits, what the
static token column holds): finding a code from a leaked digest takes about
2**64 hashes, and a code is only ever compared by its digest. Spaces,
hyphens and letter case do not matter when a user types one back.
"""

import hashlib
import secrets

from .conf import mfa_settings

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"
CODE_LENGTH = 16
GROUP = 4
DIGEST_LENGTH = 16


def generate() -> list[str]:
    """Return a new set of ``MFA_RECOVERY_CODE_COUNT`` codes, for the user's eyes only."""
    return [new_code() for _ in range(mfa_settings.MFA_RECOVERY_CODE_COUNT)]


def new_code() -> str:
    """Return one code, such as ``k3vq-7d2m-xa4p-tt6b``."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    groups = (raw[start : start + GROUP] for start in range(0, CODE_LENGTH, GROUP))
    return "-".join(groups)


def normalized(code: str) -> str:
    """Return ``code`` as generated, without its separators and in lower case."""
    return code.replace("-", "").replace(" ", "").lower()


def digest_of(code: str) -> str | None:
    """Return the stored form of ``code``, or None when it cannot be a recovery code."""
    raw = normalized(code)
    if len(raw) != CODE_LENGTH or not set(raw) <= set(ALPHABET):
        return None
    return hashlib.sha256(raw.encode()).hexdigest()[:DIGEST_LENGTH]
