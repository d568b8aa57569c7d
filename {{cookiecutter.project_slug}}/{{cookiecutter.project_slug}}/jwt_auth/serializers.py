"""Token serializers that close the gaps of simplejwt's own.

simplejwt 5.5.1's refresh serializer answers 500 for a deleted user, ignores a
password change, and lets concurrent requests rotate the same refresh token
more than once. These classes keep its behaviour otherwise.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers
from rest_framework_simplejwt import serializers as simplejwt_serializers
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import UntypedToken
from rest_framework_simplejwt.utils import datetime_from_epoch, get_md5_hash_password

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
    outstanding, _created = OutstandingToken.objects.get_or_create(
        jti=refresh[api_settings.JTI_CLAIM],
        defaults={
            "user_id": refresh.get(api_settings.USER_ID_CLAIM),
            "token": str(refresh),
            "created_at": refresh.current_time,
            "expires_at": datetime_from_epoch(refresh["exp"]),
        },
    )
    _blacklisted, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    return created


class TokenRefreshSerializer(simplejwt_serializers.TokenRefreshSerializer):
    """Refresh that refuses deleted, inactive and re-passworded users with 401."""

    default_error_messages = {
        "no_active_account": _("No active account found for the given token."),
        "password_changed": _("The user's password has been changed."),
        "already_rotated": _("Token is blacklisted"),
    }

    def validate(self, attrs):
        refresh = self.token_class(attrs["refresh"])
        self.check_user(refresh)

        data = {"access": str(refresh.access_token)}
        if api_settings.ROTATE_REFRESH_TOKENS:
            if (
                api_settings.BLACKLIST_AFTER_ROTATION
                and blacklist_is_installed()
                and not claim_refresh_token(refresh)
            ):
                raise exceptions.AuthenticationFailed(
                    self.error_messages["already_rotated"], "token_not_valid"
                )
            refresh.set_jti()
            refresh.set_exp()
            refresh.set_iat()
            refresh.outstand()
            data["refresh"] = str(refresh)
        return data

    def check_user(self, refresh):
        """Raise 401 unless the token's user exists, is active, and kept the password."""
        user_model = get_user_model()
        user_id = refresh.get(api_settings.USER_ID_CLAIM)
        user = user_model.objects.filter(
            **{api_settings.USER_ID_FIELD: user_id}
        ).first()
        if not api_settings.USER_AUTHENTICATION_RULE(user):
            raise exceptions.AuthenticationFailed(
                self.error_messages["no_active_account"], "no_active_account"
            )
        if api_settings.CHECK_REVOKE_TOKEN and refresh.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise exceptions.AuthenticationFailed(
                self.error_messages["password_changed"], "password_changed"
            )


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
