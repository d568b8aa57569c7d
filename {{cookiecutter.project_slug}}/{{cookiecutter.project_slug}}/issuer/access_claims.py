"""Claims about the user, computed at every obtain and refresh, in access tokens only.

A verifier knows from a token who the user is, and from these claims what
they may do (``jwt_auth/permissions.py``). simplejwt copies every claim of
the refresh token into the access tokens it makes, so claims put there go
stale until the refresh token expires. Here they are computed again for each
access token, from ``JWT_CLAIMS_HOOK`` (a dotted path to a function of the
user returning a mapping of JSON values), and never put in refresh tokens: a
change shows at the next refresh (the default hook's group names are kept
with the user in each worker, with its bounds: ``jwt_auth/cache.py``).

A hook may not set the claims the service itself relies on (``RESERVED``),
and its claims are capped (``JWT_CLAIMS_MAX_BYTES`` of JSON): every request
carries them. A hook that fails or breaks a rule stops the obtain or refresh
with 503 ``claims_unavailable`` before anything is issued, and is logged: a
token without the claims would silently take rights away (or keep them).
"""

import json
import logging
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.jwt_auth import password_stamp
from {{ cookiecutter.project_slug }}.jwt_auth.cache import read_group_names
from {{ cookiecutter.project_slug }}.jwt_auth.permissions import ROLES_CLAIM
from {{ cookiecutter.project_slug }}.users.models import User

from .conf import issuer_settings

logger = logging.getLogger(__name__)

ClaimsHook = Callable[[AbstractBaseUser], Mapping[str, Any]]

# Claims of the token profile (RFC 7519, RFC 9068), of the sessions ("sid")
# and of simplejwt: the service decides them, never a hook.
RESERVED = frozenset(
    {
        "iss",
        "sub",
        "aud",
        "exp",
        "nbf",
        "iat",
        "jti",
        "typ",
        "client_id",
        "scope",
        "amr",
        "sid",
        password_stamp.CLAIM,
    }
)


class ClaimsUnavailable(APIException):
    """The claims hook failed: no token can be issued (503)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The claims of the access token cannot be computed.")
    default_code = "claims_unavailable"

    def __init__(self) -> None:
        super().__init__({"detail": self.default_detail, "code": self.default_code})


class ClaimsRuleError(ValueError):
    """The claims a hook returned break a rule of ``check_claims``."""


def group_roles(user: AbstractBaseUser) -> dict[str, Any]:
    """Return the default claims: ``roles``, the names of the user's Django groups.

    Kept with the user in each worker (``jwt_auth/cache.py``), so that a
    refresh does not read them every time.
    """
    if not isinstance(user, User):
        return {ROLES_CLAIM: []}
    return {ROLES_CLAIM: sorted(read_group_names(user))}


@cache
def load_hook(path: str) -> ClaimsHook:
    """Return the function the dotted ``path`` names (imported once per path)."""
    return import_string(path)


def reserved_claims() -> frozenset[str]:
    """Return the claim names no hook may set."""
    return RESERVED | {api_settings.TOKEN_TYPE_CLAIM, api_settings.USER_ID_CLAIM}


def check_claims(claims: Mapping[str, Any]) -> int:
    """Return the size in bytes of ``claims`` as JSON; raise ``ClaimsRuleError``.

    Names must be strings and not reserved, values JSON, the whole within
    ``JWT_CLAIMS_MAX_BYTES``.
    """
    for name in claims:
        if not isinstance(name, str):
            message = f"claim names must be strings, not {type(name).__name__}"
            raise ClaimsRuleError(message)
    if taken := sorted(set(claims) & reserved_claims()):
        message = f"reserved claims: {', '.join(taken)}"
        raise ClaimsRuleError(message)
    try:
        size = len(json.dumps(claims, separators=(",", ":"), allow_nan=False).encode())
    except (TypeError, ValueError) as error:
        message = f"claims are not JSON: {error}"
        raise ClaimsRuleError(message) from error
    limit = issuer_settings.JWT_CLAIMS_MAX_BYTES
    if size > limit:
        message = f"claims take {size} bytes of JSON, over JWT_CLAIMS_MAX_BYTES={limit}"
        raise ClaimsRuleError(message)
    return size


def access_claims(user: AbstractBaseUser) -> dict[str, Any]:
    """Return the hook's claims for ``user``, checked; raise ``ClaimsUnavailable``.

    No hook configured (an empty ``JWT_CLAIMS_HOOK``): no claims.
    """
    path = issuer_settings.JWT_CLAIMS_HOOK
    if not path:
        return {}
    try:
        claims = dict(load_hook(path)(user))
        check_claims(claims)
    except Exception:
        logger.exception(
            "JWT_CLAIMS_HOOK %s failed for user %s: no token issued", path, user.pk
        )
        raise ClaimsUnavailable from None
    return claims
