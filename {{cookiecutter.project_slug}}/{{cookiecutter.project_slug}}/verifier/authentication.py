"""Authentication of a verifier: the user is the token's, not a database row."""

from typing import cast

from rest_framework_simplejwt.authentication import JWTStatelessUserAuthentication
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.jwt_auth.authentication import (
    CachedJWTAuthentication,
)
from {{ cookiecutter.project_slug }}.jwt_auth.service_clients import (
    ServicePrincipal,
    is_service_token,
    service_client_of,
)


class CachedTokenUserAuthentication(CachedJWTAuthentication):
    """Authentication of a verifier: the user is the token's, not a database row.

    A verifier trusts its issuer for who the user is: ``request.user`` is
    simplejwt's ``TokenUser``, whose ``id`` is the issuer's user id and whose
    other attributes are the token's claims. Nothing is read from the
    database, and nothing can be checked there either: a user deactivated on
    the issuer is refused here once the access token expires.
    """

    # Until the issuer's keys are known a token gets 503 (remote_keys.py);
    # the OpenAPI schema documents it (api/schema.py).
    can_be_unavailable = True

    # simplejwt annotates get_user with a TypeVar no override can match.
    def get_user(  # type: ignore[override]
        self, validated_token: Token
    ) -> TokenUser | ServicePrincipal:
        """Return the stateless user the token describes, or its service client."""
        if is_service_token(validated_token):
            return service_client_of(validated_token)
        # Borrowed: the stateless get_user uses nothing of its class.
        user = JWTStatelessUserAuthentication.get_user(self, validated_token)  # type: ignore[arg-type]
        return cast("TokenUser", user)
