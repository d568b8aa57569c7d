"""The parts of simplejwt only the issuer builds on that simplejwt does not document.

The hooks both roles use are in ``jwt_auth/tests/test_simplejwt_contract.py``;
each test here names the module that relies on it:

- ``Token.verify`` is the check without the blacklist query
  (``issuer/serializers.py``: ``ClaimedRefreshToken`` skips that query).
{%- if cookiecutter.use_token_blacklist %}
- The blacklist's tables and columns (``issuer/serializers.py`` claims a
  token with one ``INSERT ... SELECT``).
{%- endif %}

The last tests fail once simplejwt fixes an annotation narrower than its
code, so that the ``type: ignore`` it needs goes too.
"""

import inspect
from collections.abc import Callable

from rest_framework_simplejwt.backends import TokenBackend
{%- if cookiecutter.use_token_blacklist %}
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
{%- endif %}
from rest_framework_simplejwt.tokens import Token


def test_token_verify_is_the_check_without_the_blacklist():
    assert "verify" in vars(Token)
    assert not hasattr(Token, "check_blacklist")
{%- if cookiecutter.use_token_blacklist %}


def test_the_blacklist_has_the_columns_a_claim_writes():
    token = BlacklistedToken._meta.get_field("token")

    assert token.related_model is OutstandingToken
    assert BlacklistedToken._meta.get_field("blacklisted_at").column
    assert OutstandingToken._meta.get_field("jti").column
    assert OutstandingToken._meta.pk is not None
{%- endif %}


# --- Annotations narrower than the code (each one a type: ignore) --------------------


def annotation(function: Callable[..., object], parameter: str) -> object:
    return inspect.signature(function).parameters[parameter].annotation


def test_simplejwt_still_annotates_an_encoded_refresh_token_as_a_token():
    # token_sessions/serializers.py builds a ClaimedRefreshToken from the encoded one.
    assert "Token" in str(annotation(Token.__init__, "token"))
    assert "str" not in str(annotation(Token.__init__, "token"))


def test_simplejwt_still_annotates_backend_keys_as_text_only():
    # issuer/checks.py signs and verifies its test token with key objects.
    assert "PrivateKey" not in str(annotation(TokenBackend.__init__, "signing_key"))
    assert "PublicKey" not in str(annotation(TokenBackend.__init__, "verifying_key"))
