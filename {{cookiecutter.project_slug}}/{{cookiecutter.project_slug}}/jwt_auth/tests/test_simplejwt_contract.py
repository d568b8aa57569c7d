"""The parts of simplejwt both roles build on that simplejwt does not document.

A simplejwt release may change any of them without notice; each test names
the module that relies on it, so that a failure says what to adapt:

- ``Token._token_backend``: the backend every token signs and verifies with
  (``jwt_auth/backends.py`` installs the key-set backend there).
- ``TokenBackend.decode`` asks ``get_verifying_key`` for the key with the
  encoded token, inside the ``try`` that turns PyJWT's errors into
  ``TokenBackendError`` (``jwt_auth/backends.py`` picks the key by ``kid``).
- ``rest_framework_simplejwt.settings.api_settings`` is replaced when
  ``SIMPLE_JWT`` changes (the checks, ``issuer/backend.py`` and
  ``verifier/remote_keys.py`` read it at call time).

Where simplejwt's annotations are narrower than its code, the project says
``type: ignore`` with the reason; the last tests fail once simplejwt fixes an
annotation, so that its ``type: ignore`` goes too.
"""

import inspect
from collections.abc import Callable

import jwt
import pytest
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token

from {{ cookiecutter.project_slug }}.jwt_auth.backends import KeySetTokenBackend

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


def test_simplejwt_replaces_its_settings_object_when_simple_jwt_changes(settings):
    before = simplejwt_settings.api_settings

    settings.SIMPLE_JWT = {**settings.SIMPLE_JWT, "LEEWAY": 7}

    assert simplejwt_settings.api_settings is not before
    assert simplejwt_settings.api_settings.LEEWAY == 7


# --- Annotations narrower than the code (each one a type: ignore) --------------------


def annotation(function: Callable[..., object], parameter: str) -> object:
    return inspect.signature(function).parameters[parameter].annotation


@pytest.mark.parametrize(
    ("function", "parameter"),
    [
        (TokenBackend.decode, "token"),
        (TokenBackend.get_verifying_key, "token"),
    ],
)
def test_simplejwt_still_annotates_an_encoded_token_as_a_token(function, parameter):
    assert "Token" in str(annotation(function, parameter))
    assert "str" not in str(annotation(function, parameter))


def test_simplejwt_still_returns_an_unbound_type_variable_from_get_user():
    returned = inspect.signature(JWTAuthentication.get_user).return_annotation

    assert "AuthUser" in str(returned)
