"""The issuer, played by the tests: signs tokens, publishes keys, may be away.

A key pair of the configured algorithm, its public key served by a stand-in
for the HTTP fetch of ``verifier/remote_keys.py``; the fixtures that install
it are in ``conftest.py``.
"""

import time
from typing import Any

import jwt
from django.conf import settings
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_auth.backends import (
    install_token_backend,
    token_backend,
)
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_private_key
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import public_jwk
from {{ cookiecutter.project_slug }}.verifier import remote_keys
from {{ cookiecutter.project_slug }}.verifier.remote_keys import remote_token_backend

from tests.helpers import authorization_header

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
ISSUER = "https://auth.example.com"
AUDIENCE = "https://api.example.com"
JWKS_URL = f"{ISSUER}/.well-known/jwks.json"
PROJECT_NAME = "{{ cookiecutter.project_name }}"


class Issuer:
    """A stand-in for the issuer: signs tokens, publishes keys, may be away."""

    def __init__(self) -> None:
        self.keys = [generate_private_key(ALGORITHM)]
        self.published = list(self.keys)
        self.reachable = True
        self.fetches = 0
        # The max-age of its answers (Cache-Control).
        self.max_age: float = remote_keys.DEFAULT_MAX_AGE_SECONDS

    def rotate(self) -> None:
        self.keys.insert(0, generate_private_key(ALGORITHM))
        self.published = list(self.keys)

    def jwks(self, url: str, timeout: float = 5) -> remote_keys.FetchedKeys:
        assert url == JWKS_URL
        self.fetches += 1
        if not self.reachable:
            message = "Connection refused"
            raise OSError(message)
        keys = [public_jwk(key.public_key(), ALGORITHM) for key in self.published]
        return remote_keys.FetchedKeys({"keys": keys}, self.max_age)

    def token(
        self, key: Any = None, header_type: object = "at+jwt", **changes: Any
    ) -> str:
        key = key or self.keys[0]
        now = int(time.time())
        claims = {
            "token_type": "access",
            "exp": now + 300,
            "iat": now,
            "jti": "a1b2c3",
            "sub": "42",
            "iss": ISSUER,
            "aud": AUDIENCE,
        }
        for name, value in changes.items():
            if value is None:
                claims.pop(name)
            else:
                claims[name] = value
        kid = public_jwk(key.public_key(), ALGORITHM)["kid"]
        headers = {"typ": header_type, "kid": kid}
        return jwt.encode(claims, key, algorithm=ALGORITHM, headers=headers)


class Clock:
    """The clocks ``remote_keys`` reads (monotonic and wall), moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now


def get(api_client: APIClient, token: str, path: str = "/api/me/") -> Any:
    return api_client.get(path, HTTP_AUTHORIZATION=authorization_header(token))


def another_worker() -> None:
    """Start from nothing in this process, as a new worker would (the shared cache stays)."""
    install_token_backend(remote_token_backend)


def after_the_background_refresh(verifier_keys: remote_keys.RemoteKeySet) -> None:
    if verifier_keys.refresher is not None:
        verifier_keys.refresher.join(timeout=10)


def verifier_keys() -> remote_keys.RemoteKeySet:
    keys = token_backend().remote_keys
    assert isinstance(keys, remote_keys.RemoteKeySet)
    return keys
