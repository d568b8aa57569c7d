"""Permissions that read the access token: the same answers on the issuer and on verifiers.

A verifier has no database of users: what a caller may do travels in its
token, as ``roles`` (users, from the issuer's ``JWT_CLAIMS_HOOK``) and
``scope`` (service clients, RFC 8693 section 4.2: space-separated). These
classes read nothing else, so a decision is the same wherever the token is
presented::

    permission_classes = (HasRole("editor"),)  # every role named
    permission_classes = (HasAnyRole("editor", "admin"),)
    permission_classes = (HasScope("orders:read"),)  # every scope named

A request without a valid token gets 401 as with ``IsAuthenticated``; a
token without the scope gets 403 with ``WWW-Authenticate: Bearer
error="insufficient_scope"`` (RFC 6750, section 3.1); without the role, 403
``insufficient_role``. The OpenAPI schema names what each view needs
(``api/authorization_schema.py`` reads ``requirement()``).
"""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework_simplejwt.settings import api_settings

if TYPE_CHECKING:
    # rest_framework.views reads the authentication classes, which import this.
    from rest_framework.request import Request
    from rest_framework.views import APIView

ROLES_CLAIM = "roles"
SCOPE_CLAIM = "scope"


def token_roles(token: Any) -> frozenset[str]:
    """Return the roles ``token`` carries (none when it has no valid ``roles`` claim)."""
    roles = claim_of(token, ROLES_CLAIM)
    if not isinstance(roles, list):
        return frozenset()
    return frozenset(role for role in roles if isinstance(role, str))


def token_scopes(token: Any) -> frozenset[str]:
    """Return the scopes ``token`` carries (its space-separated ``scope`` claim)."""
    scope = claim_of(token, SCOPE_CLAIM)
    if not isinstance(scope, str):
        return frozenset()
    return frozenset(scope.split())


def claim_of(token: Any, name: str) -> object:
    """Return the claim ``name`` of a simplejwt token, or None."""
    getter = getattr(token, "get", None)
    return getter(name) if callable(getter) else None


class InsufficientScope(PermissionDenied):
    """403 for a token without the scopes a view needs (RFC 6750, section 3.1)."""

    default_detail = _("The access token does not carry the scope this needs.")
    default_code = "insufficient_scope"

    def __init__(self, scopes: Iterable[str]) -> None:
        super().__init__({"detail": self.default_detail, "code": self.default_code})
        # DRF's exception handler sends it as WWW-Authenticate.
        self.auth_header = (
            f'{api_settings.AUTH_HEADER_TYPES[0]} error="insufficient_scope", '
            f'scope="{" ".join(scopes)}"'
        )


class InsufficientRole(PermissionDenied):
    """403 for a token without the roles a view needs."""

    default_detail = _("The access token does not carry the role this needs.")
    default_code = "insufficient_role"

    def __init__(self) -> None:
        super().__init__({"detail": self.default_detail, "code": self.default_code})


class TokenPermission(BasePermission):
    """A permission built with the names it needs, used as a permission class.

    DRF instantiates each of ``permission_classes``; an instance of this class
    returns itself when called, so ``HasRole("editor")`` stands in the list.
    """

    # The claim the names are looked up in, as the schema names it.
    kind = ""
    # True: every name is needed; False: any one of them.
    needs_all = True

    def __init__(self, *names: str) -> None:
        if not names:
            message = f"{type(self).__name__} needs at least one name."
            raise ValueError(message)
        self.names = tuple(names)

    def __call__(self) -> "TokenPermission":
        return self

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self.names))})"

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if request.auth is None:
            # No token: DRF answers 401, as IsAuthenticated would.
            return False
        held = self.held(request.auth)
        wanted = set(self.names)
        allowed = wanted <= held if self.needs_all else bool(wanted & held)
        if not allowed:
            raise self.refusal()
        return True

    def held(self, token: Any) -> frozenset[str]:
        """Return the names ``token`` holds."""
        raise NotImplementedError

    def refusal(self) -> PermissionDenied:
        """Return the 403 error of a token that lacks what is needed."""
        raise NotImplementedError

    def requirement(self) -> str:
        """Return what this permission needs, in words (for the API documentation)."""
        joined = (" and " if self.needs_all else " or ").join(self.names)
        return f"{self.kind}: {joined}"


class HasRole(TokenPermission):
    """Allow tokens whose ``roles`` claim holds every role named."""

    kind = "roles"

    def held(self, token: Any) -> frozenset[str]:
        return token_roles(token)

    def refusal(self) -> PermissionDenied:
        return InsufficientRole()


class HasAnyRole(HasRole):
    """Allow tokens whose ``roles`` claim holds at least one of the roles named."""

    needs_all = False


class HasScope(TokenPermission):
    """Allow tokens whose ``scope`` claim holds every scope named."""

    kind = "scope"

    def held(self, token: Any) -> frozenset[str]:
        return token_scopes(token)

    def refusal(self) -> PermissionDenied:
        return InsufficientScope(self.names)


class NotAUser(PermissionDenied):
    """403 for a service client's token where only a user's will do."""

    default_detail = _("This needs a user's access token, not a service client's.")
    default_code = "not_a_user"

    def __init__(self) -> None:
        super().__init__({"detail": self.default_detail, "code": self.default_code})


class IsUser(IsAuthenticated):
    """Allow the tokens of users only: never a service client's (``service_clients.py``).

    For views about the caller as a user (``/api/me/``, sessions).
    """

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if not super().has_permission(request, view):
            return False
        if getattr(request.user, "is_service_client", False):
            raise NotAUser
        return True


# RFC 8176: how the user authenticated. The issuer sets ["pwd", "otp"] after a
# second factor (mfa=totp), never from client input: refreshes copy it from the
# signed refresh token of the login.
AMR_CLAIM = "amr"
SECOND_FACTOR_METHOD = "otp"


class SecondFactorRequired(PermissionDenied):
    """403 for a token of a login without a second factor."""

    default_detail = _("This needs a login with a second factor (two-factor login).")
    default_code = "mfa_required"

    def __init__(self) -> None:
        super().__init__({"detail": self.default_detail, "code": self.default_code})


class RequireMFA(BasePermission):
    """Allow only access tokens whose ``amr`` claim holds ``otp`` (403 otherwise).

    ``permission_classes = (IsAuthenticated, RequireMFA)``: a token of a
    password-only login gets 403 ``mfa_required``.
    """

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        if request.auth is None:
            return False
        methods = claim_of(request.auth, AMR_CLAIM)
        if isinstance(methods, list) and SECOND_FACTOR_METHOD in methods:
            return True
        raise SecondFactorRequired
