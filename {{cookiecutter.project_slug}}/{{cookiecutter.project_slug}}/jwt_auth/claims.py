"""Claims of the wrong JSON type make a token invalid: 401, never 500.

PyJWT checks the signature, and that the time claims it reads can be turned
into integers; it does not check what the rest of the code expects of each
claim. A token signed with a trusted key can still carry a list where the
user id belongs, an ``exp`` past the year 9999, or a ``jti`` longer than the
column that stores it (a leaked key, or a bug in another service that signs
with it). Code that reads such a token raises ``TypeError``, ``OverflowError``
or a database error deep inside a request, and the client gets a 500.
``KeySetTokenBackend.decode`` refuses such a token here instead, once, before
anything reads it.
"""

import uuid
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Field
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from .permissions import ROLES_CLAIM, SCOPE_CLAIM
from .service_clients import is_service_subject

# NumericDate (RFC 7519 section 2): seconds since 1970, as far as Python's
# datetime goes (the end of the year 9999).
LATEST_TIMESTAMP = 253_402_300_799
# The length of the columns that store text claims (simplejwt's jti).
MAX_TEXT_LENGTH = 255
# What a database integer column holds (64-bit signed).
INTEGER_RANGE = range(-(2**63), 2**63)

# The tokens this service issues: verify refuses a token of any other type.
TOKEN_TYPES = frozenset({AccessToken.token_type, RefreshToken.token_type})

ClaimCheck = Callable[[object], bool]

# Checks that other apps add for the claims they put in tokens (``require_claim``).
added_checks: dict[str, ClaimCheck] = {}


def is_numeric_date(value: object) -> bool:
    """Return True for a JSON number of seconds between 1970 and the year 9999."""
    # NaN compares False with everything: it fails too.
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and 0 <= value <= LATEST_TIMESTAMP
    )


def is_text(value: object) -> bool:
    """Return True for a string short enough for the columns that store it."""
    return isinstance(value, str) and len(value) <= MAX_TEXT_LENGTH


def is_identifier(value: object) -> bool:
    """Return True for a string or an integer a database column can hold."""
    if type(value) is int:
        return value in INTEGER_RANGE
    return is_text(value)


def is_token_type(value: object) -> bool:
    """Return True for the type of a token this service issues."""
    return isinstance(value, str) and value in TOKEN_TYPES


def is_uuid_text(value: object) -> bool:
    """Return True for the text of a UUID."""
    if not isinstance(value, str) or not is_text(value):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def is_user_id(value: object) -> bool:
    """Return True for a value the user model's id field can hold.

    A verifier has the issuer's user model too: it shows the token's user
    through it (``/api/me/``).
    """
    if not is_identifier(value):
        return False
    field = get_user_model()._meta.get_field(api_settings.USER_ID_FIELD)
    if not isinstance(field, Field):
        return False
    try:
        return is_identifier(field.to_python(value))
    except ValidationError:
        return False


def is_subject(value: object) -> bool:
    """Return True for the ``sub`` of a user (their id) or of a service client."""
    return is_service_subject(value) or is_user_id(value)


def is_roles(value: object) -> bool:
    """Return True for a list of role names (``jwt_auth/permissions.py``)."""
    return isinstance(value, list) and all(isinstance(role, str) for role in value)


def is_scope(value: object) -> bool:
    """Return True for a space-separated list of scopes (RFC 8693, section 4.2)."""
    return isinstance(value, str)


def require_claim(name: str, check: ClaimCheck) -> None:
    """Make tokens whose claim ``name`` fails ``check`` invalid (an app's own claim)."""
    added_checks[name] = check


def claim_checks() -> dict[str, ClaimCheck]:
    """Return the check of each claim the code reads, by claim name."""
    return {
        "exp": is_numeric_date,
        "iat": is_numeric_date,
        "nbf": is_numeric_date,
        api_settings.JTI_CLAIM: is_text,
        api_settings.TOKEN_TYPE_CLAIM: is_token_type,
        api_settings.USER_ID_CLAIM: is_subject,
        ROLES_CLAIM: is_roles,
        SCOPE_CLAIM: is_scope,
        **added_checks,
    }


def has_odd_claims(payload: dict[str, object]) -> bool:
    """Return True if a claim of ``payload`` is not of the type the code expects."""
    return any(
        name in payload and not check(payload[name])
        for name, check in claim_checks().items()
    )
