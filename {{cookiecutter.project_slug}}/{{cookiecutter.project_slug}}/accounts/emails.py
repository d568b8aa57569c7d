"""The account emails: who receives each kind, and what it says.

Built here in plain text, sent by ``tasks.py`` off the request path. Each
kind is addressed to the active users of one address (usually one user);
an address nobody uses gets nothing, which the request never reveals.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import QuerySet

from {{ cookiecutter.project_slug }}.users.models import User

from .conf import accounts_settings
from .links import frontend_link
from .tokens import {% if cookiecutter.account_signup == "open" %}email_verification_tokens, {% endif %}password_reset_tokens

SERVICE = "{{ cookiecutter.project_name }}"


def recipients(kind: str, address: str) -> QuerySet[User]:
    """Return the users an email of ``kind`` to ``address`` goes to."""
    users = get_user_model()._default_manager
{%- if cookiecutter.account_signup == "open" %}
    if kind == "verify_email":
        return users.filter(email__iexact=address, is_active=True, email_verified=False)
{%- endif %}
    return users.filter(email__iexact=address, is_active=True)


def reset_page() -> str:
    """Return the front end's page where a password reset starts."""
    return f"{str(accounts_settings.ACCOUNT_FRONTEND_URL).rstrip('/')}/reset-password"


def password_reset(user: User) -> EmailMessage:
    link = frontend_link("reset-password", user, password_reset_tokens.make_token(user))
    return message(
        user,
        f"Reset your {SERVICE} password",
        "Somebody asked to reset the password of your account. If it was you, "
        f"choose a new password here:\n\n{link}\n\nIf it was not you, ignore "
        "this email: your password stays as it is.",
    )


def password_changed(user: User) -> EmailMessage:
    return message(
        user,
        f"Your {SERVICE} password was changed",
        "The password of your account was just changed, and every session "
        "that used the old one has ended. If you did not do this, reset your "
        f"password now:\n\n{reset_page()}",
    )
{%- if cookiecutter.mfa == "totp" %}


def mfa_disabled(user: User) -> EmailMessage:
    return message(
        user,
        f"Two-factor login was turned off for your {SERVICE} account",
        "Your authenticator app and recovery codes were just removed from your "
        "account, and every other session has ended: your password alone now "
        "logs in. If you did not do this, reset your password now and enrol "
        f"your authenticator again:\n\n{reset_page()}",
    )
{%- endif %}
{%- if cookiecutter.account_signup == "open" %}


def verify_email(user: User) -> EmailMessage:
    token = email_verification_tokens.make_token(user)
    link = frontend_link("verify-email", user, token)
    return message(
        user,
        f"Confirm your {SERVICE} email address",
        f"Welcome! Confirm your address here:\n\n{link}\n\nIf you did not sign "
        "up, ignore this email.",
    )


def account_exists(user: User) -> EmailMessage:
    return message(
        user,
        f"You already have a {SERVICE} account",
        "Somebody tried to sign up with your address, which already has an "
        "account. If it was you, log in, or reset your password here:\n\n"
        f"{reset_page()}",
    )
{%- endif %}


def message(user: User, subject: str, body: str) -> EmailMessage:
    """Return an email to ``user`` from ``DEFAULT_FROM_EMAIL``."""
    return EmailMessage(subject=subject, body=body, to=[user.email])


BUILDERS: dict[str, Callable[[User], EmailMessage]] = {
    "password_reset": password_reset,
    "password_changed": password_changed,
{%- if cookiecutter.mfa == "totp" %}
    "mfa_disabled": mfa_disabled,
{%- endif %}
{%- if cookiecutter.account_signup == "open" %}
    "verify_email": verify_email,
    "account_exists": account_exists,
{%- endif %}
}
