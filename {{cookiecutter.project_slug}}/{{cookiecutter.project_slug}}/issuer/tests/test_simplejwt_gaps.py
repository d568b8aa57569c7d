"""What simplejwt itself gets wrong, that this project works around.

Each test shows the gap in simplejwt's own classes, so it fails the day
simplejwt closes it: then the workaround (named below) can go.

- Refreshing the token of a deleted user raises ``DoesNotExist``: a 500
  (``issuer/serializers.py``, ``TokenRefreshSerializer.check_user``).
- Refreshing ignores a password change, even with simplejwt's own revoke
  claim on (same place, with the password stamp, ``jwt_auth/password_stamp.py``).
- Verify accepts the tokens of deleted users; it checks only the signature
  and expiry (``issuer/serializers.py``, ``TokenVerifySerializer``).
{%- if cookiecutter.use_token_blacklist %}
- Verify accepts a logged-out refresh token unless
  ``BLACKLIST_AFTER_ROTATION`` is on (same place).
- The outstanding tokens' ``expires_at``, which a cleanup filters on, has no
  index (``token_sessions/migrations/0001_initial.py`` adds one).
{%- endif %}

Two more are races, which no single-threaded test can show: concurrent
refreshes can rotate one token more than once, and a refresh can succeed at
the moment its token is logged out (``claim_refresh_token`` in
``issuer/serializers.py``; the template's own tests race them).
"""

import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt import serializers as simplejwt_serializers
from rest_framework_simplejwt import tokens as simplejwt_tokens
from rest_framework_simplejwt.settings import api_settings
{%- if cookiecutter.use_token_blacklist %}
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
{%- endif %}
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from {{ cookiecutter.project_slug }}.users.models import User

pytestmark = pytest.mark.django_db


def refreshes(token: RefreshToken) -> bool:
    """Return whether simplejwt's own refresh serializer accepts ``token``."""
    serializer = simplejwt_serializers.TokenRefreshSerializer(
        data={"refresh": str(token)}
    )
    return serializer.is_valid()


def verifies(token: AccessToken | RefreshToken) -> bool:
    """Return whether simplejwt's own verify serializer accepts ``token``."""
    serializer = simplejwt_serializers.TokenVerifySerializer(data={"token": str(token)})
    return serializer.is_valid()


def test_simplejwt_refresh_fails_with_500_for_a_deleted_user(user: User):
    refresh = RefreshToken.for_user(user)
    user.delete()

    with pytest.raises(get_user_model().DoesNotExist):
        refreshes(refresh)


def test_simplejwt_refresh_ignores_a_password_change(monkeypatch, user: User):
    # simplejwt's revoke claim on, as its modules read it (the settings
    # object of their import).
    for module in (simplejwt_tokens, simplejwt_serializers):
        monkeypatch.setattr(module.api_settings, "CHECK_REVOKE_TOKEN", True)
    refresh = RefreshToken.for_user(user)
    assert api_settings.REVOKE_TOKEN_CLAIM in refresh.payload
    user.set_password("a new password, chosen after a leak")
    user.save()

    assert refreshes(refresh)


def test_simplejwt_verify_accepts_the_token_of_a_deleted_user(user: User):
    access = AccessToken.for_user(user)
    user.delete()

    assert verifies(access)
{%- if cookiecutter.use_token_blacklist %}


def test_simplejwt_verify_accepts_a_logged_out_token(monkeypatch, user: User):
    # Its serializers keep the settings object of their import.
    monkeypatch.setattr(
        simplejwt_serializers.api_settings, "BLACKLIST_AFTER_ROTATION", False
    )
    refresh = RefreshToken.for_user(user)
    refresh.blacklist()

    assert verifies(refresh)


def test_simplejwt_does_not_index_the_expiry_of_outstanding_tokens():
    *_, options = OutstandingToken._meta.get_field("expires_at").deconstruct()
    own_indexes = [index.fields for index in OutstandingToken._meta.indexes]

    assert "db_index" not in options
    assert ["expires_at"] not in own_indexes
{%- endif %}
