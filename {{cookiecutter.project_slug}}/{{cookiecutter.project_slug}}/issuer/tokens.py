"""The issuer's tokens: simplejwt's, with the claims of RFC 9068 it leaves out.

simplejwt names the user in ``sub`` (``USER_ID_CLAIM``, base.py) and sets
``exp``, ``iat`` and ``jti``; the backend adds ``iss``, ``aud`` and the header
``typ`` (``jwt_auth/backends.py``). These classes add ``client_id``, the
client the tokens were issued to, and the stamp that ends them when the
user's password changes (``jwt_auth/password_stamp.py``).
{%- if cookiecutter.mfa == "totp" %}
After a second factor they carry ``amr`` (RFC 8176): the refresh token of
the login holds it, signed, and every access token made from it copies it.
{%- endif %}
"""

from typing import Any, Self

from django.contrib.auth.base_user import AbstractBaseUser
from rest_framework_simplejwt import tokens
from rest_framework_simplejwt.tokens import AuthUser
from rest_framework_simplejwt.utils import aware_utcnow

from {{ cookiecutter.project_slug }}.jwt_auth import password_stamp
{%- if cookiecutter.mfa == "totp" %}
from {{ cookiecutter.project_slug }}.jwt_auth.permissions import AMR_CLAIM
{%- endif %}

from .conf import issuer_settings

CLIENT_ID_CLAIM = "client_id"


class IssuedToken(tokens.Token):
    """A token this issuer makes for a user.

    Last before simplejwt's ``Token`` in the classes below, so that the
    claims are there before the blacklist records a new refresh token.
    """
{%- if cookiecutter.mfa == "totp" %}

    # How the user authenticated (RFC 8176), when a login checked more than
    # a password: the tokens of a two-factor login (mfa/views.py) set it.
    authentication_methods: tuple[str, ...] = ()
{%- endif %}

    @classmethod
    def for_user(cls, user: AuthUser) -> Self:
        """Return a token for ``user``, with the client and the password stamp."""
        if not isinstance(user, AbstractBaseUser):
            message = "The issuer makes tokens for users of its database only."
            raise TypeError(message)
        token = super().for_user(user)
        token[CLIENT_ID_CLAIM] = issuer_settings.JWT_CLIENT_ID
        token[password_stamp.CLAIM] = password_stamp.password_stamp(user.password)
{%- if cookiecutter.mfa == "totp" %}
        if cls.authentication_methods:
            token[AMR_CLAIM] = list(cls.authentication_methods)
{%- endif %}
        return token


class AccessToken(tokens.AccessToken, IssuedToken):
    """An access token (RFC 9068) for ``/api/`` and every verifier."""


# The blacklist's for_user and Token's are annotated differently; IssuedToken's
# runs between them, as the MRO says.
class RefreshToken(tokens.RefreshToken, IssuedToken):  # type: ignore[misc]
    """A refresh token, for this issuer's token endpoints only."""

    access_token_class = AccessToken

    @classmethod
    def decoded(cls, raw: str, payload: dict[str, Any]) -> Self:
        """Return the token ``raw``, which the token backend decoded into ``payload``.

        Checked as the constructor checks it, without verifying the signature
        a second time in one request.
        """
        token = cls.__new__(cls)
        # simplejwt annotates the encoded token as a Token.
        token.token = raw  # type: ignore[assignment]
        token.current_time = aware_utcnow()
        token.payload = dict(payload)
        token.verify()
        return token

    @classmethod
    def unrecorded_for_user(cls, user: AuthUser) -> Self:
        """Return ``for_user``'s token without the blacklist's record of it.

        For a caller that records it itself once it holds every claim (a
        session's id), so that it is signed and written once, not twice.
        """
        # IssuedToken's for_user: the one after the blacklist's in the MRO.
        return super(tokens.BlacklistMixin, cls).for_user(user)
{%- if cookiecutter.mfa == "totp" %}


class TwoFactorRefreshToken(RefreshToken):
    """The refresh token of a login that checked a password and a one-time code."""

    authentication_methods = ("pwd", "otp")
{%- endif %}
