"""Fixtures of the issuer's tests."""

from pathlib import Path

import pytest
from django.conf import settings

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_signing_keys

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder whose keys are where generate_jwt_keys puts them."""
    keys = generate_signing_keys(ALGORITHM)
    for name in (
        "JWT_SIGNING_KEY",
        "JWT_PRIVATE_KEY",
        "JWT_PUBLIC_KEY",
        "JWT_PREVIOUS_KEYS_DIR",
        "JWT_PREVIOUS_SIGNING_KEYS",
        "JWT_PREVIOUS_PUBLIC_KEYS",
        "JWT_NEXT_KEYS_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    if is_hmac(ALGORITHM):
        (tmp_path / ".env").write_text(f"JWT_SIGNING_KEY={keys['SIGNING_KEY']}\n")
    else:
        (tmp_path / "keys").mkdir()
        (tmp_path / "keys/jwt_private.pem").write_text(keys["SIGNING_KEY"])
        (tmp_path / "keys/jwt_public.pem").write_text(keys["VERIFYING_KEY"])
        monkeypatch.setenv("JWT_PRIVATE_KEY_FILE", "keys/jwt_private.pem")
        monkeypatch.setenv("JWT_PUBLIC_KEY_FILE", "keys/jwt_public.pem")
    return tmp_path
