"""The bodies of the two-factor endpoints (``views.py``)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from {{ cookiecutter.project_slug }}.users.models import User

# Room for a recovery code typed with spaces; far more than a TOTP code.
CODE_MAX_LENGTH = 32


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=CODE_MAX_LENGTH,
        trim_whitespace=True,
        help_text="The 6-digit code of the authenticator app, or a recovery code.",
    )


class MFALoginSerializer(CodeSerializer):
    mfa_token = serializers.CharField(
        max_length=128, help_text="The mfa_token answered by POST /api/token/."
    )


class PasswordSerializer(serializers.Serializer):
    """The user's password, checked again before a change to their second factor."""

    password = serializers.CharField(
        max_length=4096, trim_whitespace=False, style={"input_type": "password"}
    )

    default_error_messages = {"wrong_password": _("The password is not correct.")}

    def validate_password(self, password: str) -> str:
        user = self.context["user"]
        if not isinstance(user, User) or not user.check_password(password):
            self.fail("wrong_password")
        return password


class PasswordAndCodeSerializer(PasswordSerializer, CodeSerializer):
    pass


class EnrolmentSetupSerializer(serializers.Serializer):
    """Staff enrolling before their first token send the mfa_token instead."""

    mfa_token = serializers.CharField(max_length=128)


class EnrolmentConfirmSerializer(CodeSerializer):
    mfa_token = serializers.CharField(max_length=128, required=False)


# Answers -------------------------------------------------------------------------


class MFAChallengeSerializer(serializers.Serializer):
    """A right password, when the login needs a second factor: no tokens yet."""

    mfa_required = serializers.BooleanField()
    mfa_enrolment_required = serializers.BooleanField(
        required=False,
        help_text="Staff without a second factor: the mfa_token only enrols one.",
    )
    mfa_token = serializers.CharField()
    expires_in = serializers.IntegerField(help_text="Seconds the mfa_token lasts.")


class MFAStatusSerializer(serializers.Serializer):
    totp = serializers.BooleanField(help_text="A confirmed TOTP device is enrolled.")
    recovery_codes_remaining = serializers.IntegerField()


class TOTPSetupSerializer(serializers.Serializer):
    otpauth_url = serializers.CharField(help_text="For a QR code (otpauth://totp/…).")
    secret = serializers.CharField(help_text="The same secret, base32, to type in.")


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Shown this once: each logs in once in place of a code.",
    )
