"""JWT authentication that does not read the database on every request.

simplejwt's ``JWTAuthentication`` decodes and checks the token's signature,
then reads the user from the database, on every request: that costs more than
the rest of a small request. ``CachedJWTAuthentication`` gives the same
answers from what each worker remembers; ``cache.py`` says what that is, for
how long, and how a change to a user reaches every worker.
"""

from typing import cast

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils.translation import gettext_lazy as _
from rest_framework import HTTP_HEADER_ENCODING
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import AuthUser, JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.users.models import User

from . import password_stamp
from .cache import (
    UserSnapshot,
    copy_token,
    known_users,
    user_cache_seconds,
    verified_tokens,
)
from .service_clients import ServicePrincipal, is_service_subject, service_client_of


def refuses_a_token(refusal: Exception) -> bool:
    """Return True when ``refusal`` refuses a token presented (RFC 6750 ``invalid_token``).

    Not a request without a token, nor a wrong password at login: those are
    no bearer token's fault.
    """
    return isinstance(refusal, InvalidToken)


class CachedJWTAuthentication(JWTAuthentication):
    """simplejwt's ``JWTAuthentication``, without a query per request.

    ``request.user`` and ``request.auth`` are new objects on every request: a
    view may change them.
    """

    def __init__(self) -> None:
        # simplejwt's looks the user model up again for every request (DRF
        # makes an authenticator per request): it is this project's User.
        self.user_model = User

    def authenticate(self, request: Request) -> tuple[AuthUser, Token] | None:
        """Return the user and token of ``request``; every refusal is the token's."""
        try:
            return super().authenticate(request)
        except InvalidToken:
            raise
        except AuthenticationFailed as refusal:
            # The token's user is gone, inactive or has a new password: the
            # token is refused, with the same body (detail and code).
            detail = refusal.detail
            body = (
                {str(key): value for key, value in detail.items()}
                if isinstance(detail, dict)
                else None
            )
            raise InvalidToken(body) from refusal

    # simplejwt's returns None too, when there is no header.
    def get_header(self, request: Request) -> bytes | None:  # type: ignore[override]
        """Return the Authorization header of ``request``, as simplejwt's does.

        From the Django request's META, not DRF's ``request.META``: that one
        is found only after a failed attribute lookup, on every request.
        """
        django_request = getattr(request, "_request", request)
        header = django_request.META.get(api_settings.AUTH_HEADER_NAME)
        if isinstance(header, str):
            return header.encode(HTTP_HEADER_ENCODING)
        return header

    def get_validated_token(self, raw_token: bytes) -> Token:
        """Return the token ``raw_token`` carries; verify its signature once per worker."""
        token = verified_tokens.get(raw_token)
        if token is None:
            token = super().get_validated_token(raw_token)
            verified_tokens.add(raw_token, token)
        return copy_token(token)

    # simplejwt annotates get_user with a TypeVar no override can match.
    def get_user(  # type: ignore[override]
        self, validated_token: Token
    ) -> User | ServicePrincipal:
        """Return the token's user, from this worker's memory while it is fresh.

        A service client's token stands for the client (``service_clients.py``).
        """
        user_id = validated_token.payload.get(api_settings.USER_ID_CLAIM)
        if is_service_subject(user_id):
            return service_client_of(validated_token)
        max_age = user_cache_seconds()
        if max_age <= 0:
            user = cast("User", super().get_user(validated_token))
            self.check_password_stamp(
                validated_token, password_stamp.password_stamps(user.password)
            )
            return user
        known = known_users.get(user_id, max_age)
        if known is not None:
            snapshot, stamps = known
            user = snapshot.instance()
            if self.passes_checks(validated_token, user, snapshot, stamps):
                return user
        # Read the user, and let simplejwt refuse with its own errors.
        started = known_users.reading()
        user = cast("User", super().get_user(validated_token))
        snapshot = UserSnapshot(user)
        known_users.add(user_id, snapshot, started)
        self.check_password_stamp(
            validated_token, password_stamp.password_stamps(snapshot.password)
        )
        return user

    def passes_checks(
        self,
        validated_token: Token,
        user: AbstractBaseUser,
        snapshot: UserSnapshot,
        stamps: tuple[str, ...],
    ) -> bool:
        """Return True when ``user`` (of ``snapshot``) passes the checks of ``get_user``."""
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            return False
        stamp = validated_token.payload.get(password_stamp.CLAIM)
        if not isinstance(stamp, str):
            return False
        # The claim of a token whose signature was verified: no client can
        # choose it, so a set lookup leaks nothing a constant-time compare hides.
        if stamp in snapshot.matching_stamps:
            return True
        if not password_stamp.stamp_matches(stamp, stamps):
            return False
        snapshot.matching_stamps.add(stamp)
        return True

    def check_password_stamp(
        self, validated_token: Token, stamps: tuple[str, ...]
    ) -> None:
        """Refuse a token issued before its user's password last changed."""
        if not password_stamp.stamp_matches(
            validated_token.get(password_stamp.CLAIM), stamps
        ):
            raise AuthenticationFailed(
                str(_("The user's password has been changed.")), code="password_changed"
            )
