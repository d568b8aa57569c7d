"""The refusals of the two-factor endpoints: ``{"detail": …, "code": …}``, like simplejwt's."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class MFAError(exceptions.APIException):
    """An error whose body names its code beside the message."""

    def __init__(self) -> None:
        super().__init__({"detail": self.default_detail, "code": self.default_code})


class MFATokenInvalidError(MFAError):
    """The mfa_token is unknown, expired, spent, dead of wrong codes, or its password changed."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = _("The mfa_token is invalid or expired. Log in again.")
    default_code = "mfa_token_invalid"


class InvalidCodeError(MFAError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The code is not correct, or was already used.")
    default_code = "invalid_code"


class NotEnrolledError(MFAError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("Two-factor login is not enabled for this account.")
    default_code = "mfa_not_enabled"


class AlreadyEnrolledError(MFAError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _(
        "Two-factor login is already enabled: remove the device before adding another."
    )
    default_code = "mfa_already_enabled"


class NoSetupError(MFAError):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("No device is being set up: call /api/mfa/totp/setup/ first.")
    default_code = "totp_setup_missing"
