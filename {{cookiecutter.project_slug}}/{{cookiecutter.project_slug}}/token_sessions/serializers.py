"""Token serializers that start, follow and end sessions."""

from typing import Any

from django.http import HttpRequest
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.issuer import serializers as issuer_serializers
from {{ cookiecutter.project_slug }}.issuer.tokens import RefreshToken
from {{ cookiecutter.project_slug }}.jwt_auth.cache import read_user
from {{ cookiecutter.project_slug }}.users.models import User

from .authentication import SESSION_ENDED, SessionJWTAuthentication
from .lifecycle import (
    SessionState,
    end_session_of,
    record_refresh,
    record_rotation,
    rotate_at_once,
    session_of,
    start_session,
)
from .models import SESSION_CLAIM
from .reuse import end_by_logout, replay_or_end


class TokenObtainPairSerializer(issuer_serializers.TokenObtainPairSerializer):
    """Obtain a token pair that starts a session, named in both tokens."""

    # simplejwt annotates the user with a TypeVar no override can match.
    def get_token(self, user: User) -> RefreshToken:  # type: ignore[override]
        """Return a refresh token for ``user`` in a new session."""
        # token_class is the issuer's RefreshToken (issuer/serializers.py).
        refresh = self.token_class.unrecorded_for_user(user)
        start_session(user, refresh, self.context.get("request"))
        return refresh


class TokenRefreshSerializer(issuer_serializers.TokenRefreshSerializer):
    """Refresh within a live session; a reused rotated token ends it (``reuse.py``)."""

    session: SessionState | None = None

    def validate(self, attrs: dict[str, Any]) -> dict[str, str]:
        data = super().validate(attrs)
        if self.session is not None:
            record_refresh(self.session, self.request)
        return data

    @property
    def request(self) -> HttpRequest | None:
        """Return the request being answered (None outside a view)."""
        return self.context.get("request")

    def read_token(self, raw: str, *, claimed: bool) -> RefreshToken:
        """Return the refresh token ``raw``; without rotation, read its session too.

        One query reads the session and whether the token is blacklisted
        (``session_of``), where simplejwt's check and the session's were two.
        """
        if claimed or api_settings.ROTATE_REFRESH_TOKENS:
            return super().read_token(raw, claimed=claimed)
        refresh = issuer_serializers.token_of(
            issuer_serializers.ClaimedRefreshToken, raw, self.request
        )
        if refresh.get(SESSION_CLAIM) is None:
            refresh.check_blacklist()
            return refresh
        session, blacklisted = session_of(refresh, self.request)
        if session is None or blacklisted:
            # simplejwt's check and answer, before any other.
            refresh.check_blacklist()
        if session is not None and not session.ended:
            self.session = session
        return refresh

    def check_user(self, refresh: Token) -> User:
        """Return the token's user; refuse a token whose session has ended.

        With rotation the session is checked when the rotation is recorded
        (``rotated``), in the same statement.
        """
        user = super().check_user(refresh)
        if (
            refresh.get(SESSION_CLAIM) is not None
            and not api_settings.ROTATE_REFRESH_TOKENS
            and self.session is None
        ):
            raise TokenError(SESSION_ENDED)
        return user

    def used_up(self, refresh: RefreshToken) -> dict[str, str]:
        """Replay the newest token to a client retrying its own refresh, else refuse."""
        newest = replay_or_end(refresh, self.request)
        if newest is None:
            return super().used_up(refresh)
        # simplejwt annotates the token as a Token; it takes the encoded one.
        replayed = issuer_serializers.ClaimedRefreshToken(newest)  # type: ignore[arg-type]
        access = issuer_serializers.access_token_of(replayed, self.claims)
        return {"access": access, "refresh": newest}

    def rotated_at_once(
        self, presented: RefreshToken, rotated: RefreshToken, signed: str
    ) -> bool:
        return rotate_at_once(presented, rotated, signed, self.request)

    def rotated(self, presented: str, refresh: RefreshToken) -> None:
        """Record the rotation in the session; refuse it if the session has ended.

        The refusal rolls the rotation back (``rotate``). A session deleted
        with its user is the user's refusal, as if they had been deleted
        before ``check_user``.
        """
        session_id = refresh.get(SESSION_CLAIM)
        if session_id is not None and not record_rotation(
            session_id, presented, refresh, self.request
        ):
            if read_user(refresh.get(api_settings.USER_ID_CLAIM), trust_cache=False):
                raise TokenError(SESSION_ENDED)
            raise self.refused("no_active_account")


class TokenBlacklistSerializer(issuer_serializers.TokenBlacklistSerializer):
    """Logout that ends the session: its access tokens are refused too.

    A token of the session that was already rotated ends it as well
    (``reuse.end_by_logout``): the client wants the session over, whichever
    of its tokens it still holds.
    """

    def logged_out(self, refresh: RefreshToken) -> None:
        end_session_of(refresh, reason="logout", request=self.context.get("request"))

    def used_up(self, refresh: RefreshToken) -> None:
        if not end_by_logout(refresh, self.context.get("request")):
            super().used_up(refresh)


class TokenVerifySerializer(issuer_serializers.TokenVerifySerializer):
    """Verify as ``/api/`` would: the token's session must be live too."""

    authentication_class = SessionJWTAuthentication
