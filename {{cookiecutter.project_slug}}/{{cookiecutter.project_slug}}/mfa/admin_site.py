"""The admin site asks for a code: django-otp's login form on the throttled admin site.

The password is counted and checked as before (``throttling/admin_site.py``),
then a user with a TOTP device must give its current code. Staff without
one are let in only when ``MFA_REQUIRED_FOR_STAFF`` is off: otherwise they
enrol through the API first (``/api/mfa/totp/setup/``), as for tokens.
"""

from typing import Any

from django import forms
from django.http import HttpRequest
from django_otp.admin import OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import Device

from {{ cookiecutter.project_slug }}.throttling.admin_site import (
    ThrottledAdminSite,
    ThrottledAuthenticationForm,
)
from {{ cookiecutter.project_slug }}.users.models import User

from .conf import mfa_settings
from .devices import confirmed_totp, has_second_factor


def code_required(user: User) -> bool:
    """Return True when ``user`` may use the admin only after giving a code."""
    return bool(mfa_settings.MFA_REQUIRED_FOR_STAFF) or has_second_factor(user)


class TwoFactorAuthenticationForm(
    OTPAuthenticationFormMixin, ThrottledAuthenticationForm
):
    """The admin's throttled login form, with django-otp's device and code fields."""

    otp_device = forms.CharField(required=False, widget=forms.Select)
    otp_token = forms.CharField(required=False, label="Code")
    # Set by django-otp's template when a challenge button is pressed.
    otp_challenge = forms.CharField(required=False)

    def _chosen_device(self, user: User) -> Device | None:
        """The device picked in the form, else the user's TOTP device.

        Recovery codes are stored as digests and cannot be typed here: they
        are for the API's login (``/api/token/mfa/``).
        """
        return super()._chosen_device(user) or confirmed_totp(user)

    @staticmethod
    def device_choices(user: User) -> list[tuple[str, str]]:
        device = confirmed_totp(user)
        return [] if device is None else [(device.persistent_id, device.name)]

    def clean(self) -> dict[str, Any]:
        cleaned_data = super().clean()
        user = self.get_user()
        if isinstance(user, User) and has_second_factor(user):
            self.clean_otp(user)
        return cleaned_data


class TwoFactorAdminSite(ThrottledAdminSite):
    """The throttled admin site, for staff verified by a code (or not required to be)."""

    login_form = TwoFactorAuthenticationForm
    login_template = OTPAdminSite.login_template

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not super().has_permission(request) or not isinstance(user, User):
            return False
        # django-otp's middleware sets it: the device the session was verified by.
        verified = getattr(user, "otp_device", None) is not None
        return verified or not code_required(user)
