"""The parts of simplejwt this project builds on that simplejwt does not document.

A simplejwt release may change any of them without notice; each test names
the module that relies on it, so that a failure says what to adapt:

- ``Token._token_backend``: the backend every token signs and verifies with
  (``jwt_auth/backends.py`` installs the key-set backend there).
- ``TokenBackend.decode`` asks ``get_verifying_key`` for the key with the
  encoded token, inside the ``try`` that turns PyJWT's errors into
  ``TokenBackendError`` (``jwt_auth/backends.py`` picks the key by ``kid``).
- ``Token.verify`` is the check without the blacklist query
  (``jwt_auth/serializers.py``: ``ClaimedRefreshToken`` skips that query).
- ``JWTStatelessUserAuthentication.get_user`` uses nothing of its instance
  (``jwt_auth/authentication.py`` borrows it).
- ``rest_framework_simplejwt.settings.api_settings`` is replaced when
  ``SIMPLE_JWT`` changes (``jwt_auth/checks.py`` and ``backends.py`` read it
  at call time).
- The revoke claim is ``get_md5_hash_password`` of the password hash
  (``jwt_auth/cache.py`` and ``serializers.py`` compare it).
- The blacklist's tables and columns (``jwt_auth/serializers.py`` claims a
  token with one ``INSERT ... SELECT``).

Where simplejwt's annotations are narrower than its code, the project says
``type: ignore`` with the reason; the last tests fail once simplejwt fixes an
annotation, so that its ``type: ignore`` goes too.
"""

import inspect
from collections.abc import Callable

import jwt
import pytest
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.authentication import (
    JWTAuthentication,
    JWTStatelessUserAuthentication,
)
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.models import TokenUser
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from {{ cookiecutter.project_slug }}.jwt_auth.backends import KeySetTokenBackend
from {{ cookiecutter.project_slug }}.users.models import User

# A secret long enough for HS256, for backends made here.
SECRET = "contract-test-secret-" * 4


class SpyBackend(TokenBackend):
    """A plain simplejwt backend that records what ``get_verifying_key`` is given."""

    def __init__(self) -> None:
        super().__init__("HS256", SECRET)
        self.asked: list[object] = []

    def get_verifying_key(self, token: object) -> object:
        self.asked.append(token)
        return super().get_verifying_key(token)  # type: ignore[arg-type]


def test_tokens_sign_and_verify_with_the_token_backend_class_attribute(monkeypatch):
    assert isinstance(Token._token_backend, KeySetTokenBackend)
    backend = TokenBackend("HS256", SECRET)
    monkeypatch.setattr(Token, "_token_backend", backend)

    assert AccessToken().get_token_backend() is backend
    assert RefreshToken().get_token_backend() is backend


def test_decode_asks_get_verifying_key_with_the_encoded_token():
    backend = SpyBackend()
    encoded = backend.encode({"purpose": "contract"})

    assert backend.decode(encoded)["purpose"] == "contract"  # type: ignore[arg-type]
    assert backend.asked == [encoded]


def test_decode_turns_pyjwt_errors_of_get_verifying_key_into_token_backend_error():
    class NoKeyBackend(TokenBackend):
        def get_verifying_key(self, token: object) -> object:
            raise jwt.InvalidTokenError("no key")

    backend = NoKeyBackend("HS256", SECRET)

    with pytest.raises(TokenBackendError):
        backend.decode(backend.encode({"purpose": "contract"}))  # type: ignore[arg-type]


def test_token_verify_is_the_check_without_the_blacklist():
    assert "verify" in vars(Token)
    assert not hasattr(Token, "check_blacklist")


def test_the_stateless_get_user_uses_nothing_of_its_instance():
    token = AccessToken()
    token[api_settings.USER_ID_CLAIM] = 42

    user = JWTStatelessUserAuthentication.get_user(object(), token)  # type: ignore[arg-type]

    assert isinstance(user, TokenUser)
    assert user.id == 42


def test_simplejwt_replaces_its_settings_object_when_simple_jwt_changes(settings):
    before = simplejwt_settings.api_settings

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": 7}

    assert simplejwt_settings.api_settings is not before
    assert simplejwt_settings.api_settings.LEEWAY == 7


def test_the_revoke_claim_is_the_md5_of_the_password_hash(user: User):
    token = AccessToken.for_user(user)

    assert token[api_settings.REVOKE_TOKEN_CLAIM] == get_md5_hash_password(
        user.password
    )


def test_the_blacklist_has_the_columns_a_claim_writes():
    token = BlacklistedToken._meta.get_field("token")

    assert token.related_model is OutstandingToken
    assert BlacklistedToken._meta.get_field("blacklisted_at").column
    assert OutstandingToken._meta.get_field("jti").column
    assert OutstandingToken._meta.pk is not None


# --- Annotations narrower than the code (each one a type: ignore) --------------------


def annotation(function: Callable[..., object], parameter: str) -> object:
    return inspect.signature(function).parameters[parameter].annotation


@pytest.mark.parametrize(
    ("function", "parameter"),
    [
        (TokenBackend.decode, "token"),
        (TokenBackend.get_verifying_key, "token"),
        (Token.__init__, "token"),
    ],
)
def test_simplejwt_still_annotates_an_encoded_token_as_a_token(function, parameter):
    assert "Token" in str(annotation(function, parameter))
    assert "str" not in str(annotation(function, parameter))


def test_simplejwt_still_annotates_backend_keys_as_text_only():
    assert "PrivateKey" not in str(annotation(TokenBackend.__init__, "signing_key"))
    assert "PublicKey" not in str(annotation(TokenBackend.__init__, "verifying_key"))


def test_simplejwt_still_returns_an_unbound_type_variable_from_get_user():
    returned = inspect.signature(JWTAuthentication.get_user).return_annotation

    assert "AuthUser" in str(returned)
