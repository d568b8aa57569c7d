"""JWT authentication that refuses the tokens of ended sessions, without a query."""

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.jwt_auth.authentication import (
    CachedJWTAuthentication,
)
from {{ cookiecutter.project_slug }}.jwt_auth.service_clients import ServicePrincipal
from {{ cookiecutter.project_slug }}.users.models import User

from .ended import ended_sessions
from .models import SESSION_CLAIM

SESSION_ENDED = _("The token's session has ended.")


class SessionJWTAuthentication(CachedJWTAuthentication):
    """``CachedJWTAuthentication``, refusing tokens whose session has ended.

    The check is a lookup in this worker's set of ended sessions
    (``ended.py``): an end is seen by every worker within about a second.
    """

    # simplejwt annotates get_user with a TypeVar no override can match.
    def get_user(  # type: ignore[override]
        self, validated_token: Token
    ) -> User | ServicePrincipal:
        """Return the token's user, unless the token's session has ended.

        The user's own refusals come first: they say more (a new password
        ends the sessions too).
        """
        user = super().get_user(validated_token)
        session_id = validated_token.payload.get(SESSION_CLAIM)
        if session_id is not None and session_id in ended_sessions:
            raise InvalidToken(str(SESSION_ENDED))
        return user
