"""One-time tokens of the emailed links: Django's own generator, with a salt per purpose."""

{% if cookiecutter.account_signup == "open" -%}
from django.contrib.auth.tokens import PasswordResetTokenGenerator
{% endif -%}
from django.contrib.auth.tokens import default_token_generator as password_reset_tokens
{%- if cookiecutter.account_signup == "open" %}

from {{ cookiecutter.project_slug }}.users.models import User


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Tokens that confirm an address: valid until used, expired or the address changes.

    Unlike a reset token, the hash leaves out ``last_login`` and the
    password: logging in (optional verification) must not break the link.
    Verifying changes ``email_verified``, so a token works once.
    """

    key_salt = "{{ cookiecutter.project_slug }}.accounts.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"


email_verification_tokens = EmailVerificationTokenGenerator()
{%- endif %}

__all__ = [
{%- if cookiecutter.account_signup == "open" %}
    "email_verification_tokens",
{%- endif %}
    "password_reset_tokens",
]
