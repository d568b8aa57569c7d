"""Permissions that read the access token's claims, on the issuer and on verifiers."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework_simplejwt.tokens import Token

# RFC 8176: how the user authenticated. The issuer sets ["pwd", "otp"] after a
# second factor (never from client input: refreshes copy it from the signed
# refresh token of the login).
AMR_CLAIM = "amr"
SECOND_FACTOR_METHOD = "otp"


def authentication_methods(request: Request) -> list[str]:
    """Return the ``amr`` claim of the request's access token ([] without one)."""
    token = request.auth
    methods = token.get(AMR_CLAIM) if isinstance(token, Token) else None
    if not isinstance(methods, list):
        return []
    return [method for method in methods if isinstance(method, str)]


class RequireMFA(BasePermission):
    """Allow only access tokens of a login with a second factor (403 otherwise).

    Put it beside ``IsAuthenticated`` on views that must not be reachable
    with a password alone: ``permission_classes = (IsAuthenticated, RequireMFA)``.
    """

    message = _("This needs a login with a second factor (two-factor login).")
    code = "mfa_required"

    def has_permission(self, request: Request, view: object) -> bool:
        return SECOND_FACTOR_METHOD in authentication_methods(request)
