"""Settings of two-factor login (README, "Two-factor login")."""

from .environment import env

# Staff (and superusers) must enrol a TOTP device before they get tokens for
# anything but enrolling, and the admin site asks them for a code.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
# The name authenticator apps show beside the account.
OTP_TOTP_ISSUER = "{{ cookiecutter.project_name }}"
