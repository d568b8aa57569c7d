"""JWT authentication that does not read the database on every request.

simplejwt's ``JWTAuthentication`` decodes and checks the token's signature,
then reads the user from the database, on every request: that costs more than
the rest of a small request. ``CachedJWTAuthentication`` gives the same
answers from what each worker remembers; ``cache.py`` says what that is, for
how long, and how a change to a user reaches every worker.
"""

from typing import cast

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.users.models import User

from .cache import (
    UserSnapshot,
    copy_token,
    known_users,
    user_cache_seconds,
    verified_tokens,
)


class CachedJWTAuthentication(JWTAuthentication):
    """simplejwt's ``JWTAuthentication``, without a query per request.

    ``request.user`` and ``request.auth`` are new objects on every request: a
    view may change them.
    """

    def get_validated_token(self, raw_token: bytes) -> Token:
        """Return the token ``raw_token`` carries; verify its signature once per worker."""
        token = verified_tokens.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)
            verified_tokens.add(raw_token, token)
        return copy_token(token)

    # simplejwt annotates get_user with a TypeVar no override can match.
    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        """Return the token's user, from this worker's memory while it is fresh."""
        max_age = user_cache_seconds()
        if max_age <= 0:
            return cast("User", super().get_user(validated_token))
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        known = known_users.get(user_id, max_age)
        if known is not None:
            snapshot, fingerprint = known
            user = snapshot.instance()
            if self.passes_checks(validated_token, user, fingerprint):
                return user
        # Read the user, and let simplejwt refuse with its own errors.
        started = known_users.reading()
        user = cast("User", super().get_user(validated_token))
        known_users.add(user_id, UserSnapshot(user), started)
        return user

    def passes_checks(
        self, validated_token: Token, user: User, fingerprint: str
    ) -> bool:
        """Return True when ``user`` passes simplejwt's checks for this token."""
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            return False
        return not api_settings.CHECK_REVOKE_TOKEN or (
            validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) == fingerprint
        )
