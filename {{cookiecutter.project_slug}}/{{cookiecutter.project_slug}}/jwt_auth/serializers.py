"""Token serializers that close the gaps of simplejwt's own.

simplejwt 5.5.1's refresh serializer answers 500 for a deleted user, ignores a
password change, and lets concurrent requests rotate the same refresh token
more than once. These classes keep its behaviour otherwise.
"""

from contextlib import nullcontext

from django.apps import apps
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework_simplejwt import serializers as simplejwt_serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken, Token, UntypedToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

from .cache import read_user

BLACKLIST_APP = "rest_framework_simplejwt.token_blacklist"


def blacklist_is_installed():
    """Return True when simplejwt's token blacklist app is installed."""
    return apps.is_installed(BLACKLIST_APP)


def claim_refresh_token(refresh):
    """Blacklist ``refresh`` and return True if this call was the one that did it.

    The database's unique constraint on the blacklist entry makes the claim
    atomic across threads, processes and machines: of several concurrent
    requests carrying the same token, exactly one gets True.
    """
    try:
        with savepoint_in_transaction():
            if blacklist_outstanding_token(refresh[api_settings.JTI_CLAIM]):
                return True
            # A token issued before the blacklist was installed has no
            # outstanding entry yet: record it, then blacklist it.
            outstanding, _created = OutstandingToken.objects.get_or_create(
                jti=refresh[api_settings.JTI_CLAIM],
                defaults={
                    "user_id": refresh.get(api_settings.USER_ID_CLAIM),
                    "token": str(refresh),
                    "created_at": refresh.current_time,
                    "expires_at": datetime_from_epoch(refresh["exp"]),
                },
            )
            BlacklistedToken.objects.create(token=outstanding)
    except IntegrityError:
        return False
    return True


def blacklist_outstanding_token(jti):
    """Blacklist the outstanding token ``jti`` in one statement; return True if found.

    One INSERT ... SELECT instead of a SELECT and an INSERT: on SQLite, where
    one writer works at a time, this alone makes rotation a third faster.
    Raise IntegrityError when the token is already blacklisted.
    """
    connection = connections[router.db_for_write(BlacklistedToken)]
    quote = connection.ops.quote_name
    blacklisted, outstanding = BlacklistedToken._meta, OutstandingToken._meta
    # Only quoted identifiers are formatted in; the values are parameters.
    sql = (
        f"INSERT INTO {quote(blacklisted.db_table)} "  # noqa: S608
        f"({quote(blacklisted.get_field('token').column)}, "
        f"{quote(blacklisted.get_field('blacklisted_at').column)}) "
        f"SELECT {quote(outstanding.pk.column)}, %s "
        f"FROM {quote(outstanding.db_table)} "
        f"WHERE {quote(outstanding.get_field('jti').column)} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), jti])
        return cursor.rowcount == 1


def savepoint_in_transaction():
    """Return a savepoint inside the caller's transaction, else nothing.

    The savepoint keeps a caller's transaction usable after a refused INSERT.
    Outside a transaction each INSERT commits on its own, on purpose: SQLite
    lets one writer in at a time and makes the others sleep, so its write
    lock must be held for one statement, not for the Python around it.
    """
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return nullcontext()


def renew(refresh):
    """Turn ``refresh`` into a new token (new id, lifetime and issue time); return it."""
    refresh.set_jti()
    refresh.set_exp()
    refresh.set_iat()
    return refresh


def outstand(refresh, user):
    """Return ``refresh`` signed; record it as ``user``'s when the blacklist is on.

    simplejwt's ``RefreshToken.outstand()`` would read the user again first.
    """
    signed = str(refresh)
    if blacklist_is_installed():
        OutstandingToken.objects.create(
            user=user,
            jti=refresh[api_settings.JTI_CLAIM],
            token=signed,
            created_at=refresh.current_time,
            expires_at=datetime_from_epoch(refresh["exp"]),
        )
    return signed


class ClaimedRefreshToken(RefreshToken):
    """A refresh token that ``claim_refresh_token`` will blacklist.

    The claim itself refuses a blacklisted token, atomically, so the separate
    blacklist query of simplejwt's ``verify()`` is skipped.
    """

    def verify(self, *args, **kwargs):
        Token.verify(self, *args, **kwargs)


class TokenRefreshSerializer(simplejwt_serializers.TokenRefreshSerializer):
    """Refresh that refuses deleted, inactive and re-passworded users with 401."""

    default_error_messages = {
        "no_active_account": _("No active account found for the given token."),
        "password_changed": _("The user's password has been changed."),
        "already_rotated": _("Token is blacklisted"),
    }

    def validate(self, attrs):
        claim = (
            api_settings.ROTATE_REFRESH_TOKENS
            and api_settings.BLACKLIST_AFTER_ROTATION
            and blacklist_is_installed()
        )
        refresh = (ClaimedRefreshToken if claim else self.token_class)(attrs["refresh"])
        user = self.check_user(refresh)

        data = {"access": str(refresh.access_token)}
        if api_settings.ROTATE_REFRESH_TOKENS:
            if claim and not claim_refresh_token(refresh):
                # The answer simplejwt gives to a blacklisted token.
                raise TokenError(self.error_messages["already_rotated"])
            data["refresh"] = outstand(renew(refresh), user)
        return data

    def check_user(self, refresh):
        """Return the token's user; raise 401 unless it exists, is active and kept the password.

        The user may come from this worker's cache of users, like the one
        access tokens use; a refusal is always confirmed by the database.
        """
        user_id = refresh.get(api_settings.USER_ID_CLAIM)
        user = read_user(user_id)
        if self.refusal(refresh, user) is not None:
            user = read_user(user_id, trust_cache=False)
        refusal = self.refusal(refresh, user)
        if refusal is not None:
            raise exceptions.AuthenticationFailed(self.error_messages[refusal], refusal)
        return user

    @staticmethod
    def refusal(refresh, user):
        """Return why ``user`` may not refresh ``refresh`` (an error code), or None."""
        if not api_settings.USER_AUTHENTICATION_RULE(user):
            return "no_active_account"
        if api_settings.CHECK_REVOKE_TOKEN and refresh.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            return "password_changed"
        return None


class TokenVerifySerializer(serializers.Serializer):
    """Verify any token, and refuse a refresh token that was blacklisted."""

    token = serializers.CharField(write_only=True)

    def validate(self, attrs):
        token = UntypedToken(attrs["token"])
        jti = token.get(api_settings.JTI_CLAIM)
        if (
            blacklist_is_installed()
            and BlacklistedToken.objects.filter(token__jti=jti).exists()
        ):
            raise TokenError(_("Token is blacklisted"))
        return {}
