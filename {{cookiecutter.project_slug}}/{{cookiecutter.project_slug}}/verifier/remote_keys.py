"""The issuer's public keys, as a verifier finds them: fetched once, then remembered.

A verifier signs nothing: it verifies tokens with the keys its issuer
publishes at ``JWT_JWKS_URL``. The key
set is fetched at the first token, kept in this worker's memory and in the
shared cache (``CACHES["default"]``), where the other workers find it without
asking the issuer again.

* A token naming a key this worker does not know (the issuer rotated its
  key) makes it look again: first in the shared cache, then at the issuer, at
  most once every ``REFETCH_SECONDS`` per worker, so tokens with made-up
  ``kid`` values cannot turn the verifier against the issuer.
* With the issuer unreachable, the keys already known keep working.
* With no keys at all (the issuer never answered), requests with a token get
  503 with ``Retry-After``, never 500.
"""

import hashlib
import json
import logging
import threading
import time
import urllib.request
from typing import Any

import jwt
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework_simplejwt import settings as simplejwt_settings

from {{ cookiecutter.project_slug }}.jwt_auth.backends import KeySetTokenBackend

from .conf import verifier_settings

logger = logging.getLogger(__name__)

REFETCH_SECONDS = 5
FETCH_TIMEOUT_SECONDS = 5
MAX_JWKS_BYTES = 1_000_000


class KeysUnavailable(APIException):
    """No key of the issuer is known yet: the token can be neither accepted nor refused."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _(
        "The keys that verify tokens are not available yet; retry later."
    )
    default_code = "keys_unavailable"

    def __init__(self, wait: float) -> None:
        super().__init__()
        # DRF's exception handler turns ``wait`` into the Retry-After header.
        self.wait = max(1, round(wait))


def fetch_jwks(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Return the JSON Web Key Set at ``url``; raise OSError or ValueError on failure."""
    if not url.startswith(("https://", "http://")):
        message = f"JWT_JWKS_URL must be an http(s) URL, not {url!r}."
        raise ValueError(message)
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
        body = response.read(MAX_JWKS_BYTES + 1)
    if len(body) > MAX_JWKS_BYTES:
        message = f"The key set at {url} is larger than {MAX_JWKS_BYTES} bytes."
        raise ValueError(message)
    jwks = json.loads(body)
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        message = f"{url} did not answer with a JSON Web Key Set."
        raise ValueError(message)
    return jwks


def verifying_keys(jwks: dict[str, Any], algorithm: str) -> dict[str, Any]:
    """Return ``{kid: key}`` for the keys of ``jwks`` that verify ``algorithm`` signatures.

    Keys for encryption, for another algorithm, of another type, without a
    ``kid``, and secrets (``oct``) are left out.
    """
    keys = {}
    for jwk in jwks.get("keys", []):
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", algorithm) != algorithm:
            continue
        if jwk.get("kty") == "oct":
            continue
        try:
            keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm).key
        except (jwt.PyJWKError, jwt.InvalidKeyError, ValueError, TypeError):
            continue
    return keys


class RemoteKeySet:
    """The issuer's verifying keys, by ``kid``, for one worker process."""

    def __init__(self, url: str, algorithm: str) -> None:
        self.url = url
        self.algorithm = algorithm
        self.cache_key = (
            "jwt_auth:jwks:" + hashlib.sha256(url.encode()).hexdigest()[:32]
        )
        self._keys: dict[str, Any] = {}
        self._cached: dict[str, Any] | None = None
        self._next_fetch = 0.0
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> Any:
        """Return the issuer's key named ``kid``, or None when the issuer has none.

        Raise KeysUnavailable when no key of the issuer is known at all.
        """
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            self._update_from_shared_cache()
            if kid not in self._keys:
                self._fetch_unless_too_soon()
            if not self._keys:
                raise KeysUnavailable(self._next_fetch - time.monotonic())
            return self._keys.get(kid)

    def _update_from_shared_cache(self) -> None:
        try:
            jwks = cache.get(self.cache_key)
        except Exception:
            logger.exception("Cannot read the issuer's keys from the shared cache")
            return
        if jwks is not None and jwks != self._cached:
            self._cached = jwks
            self._keys = verifying_keys(jwks, self.algorithm) or self._keys

    def _fetch_unless_too_soon(self) -> None:
        now = time.monotonic()
        if now < self._next_fetch:
            return
        self._next_fetch = now + REFETCH_SECONDS
        try:
            jwks = fetch_jwks(self.url)
        except (OSError, ValueError) as error:
            # The keys known so far keep working while the issuer is away.
            logger.warning(
                "Cannot fetch the issuer's keys from %s: %s", self.url, error
            )
            return
        self._cached = jwks
        self._keys = verifying_keys(jwks, self.algorithm) or self._keys
        try:
            cache.set(self.cache_key, jwks, timeout=None)
        except Exception:
            logger.exception("Cannot share the issuer's keys through the cache")

    def clear(self) -> None:
        """Forget the keys (tests start from nothing)."""
        with self._lock:
            self._keys = {}
            self._cached = None
            self._next_fetch = 0.0


def remote_token_backend() -> KeySetTokenBackend:
    """Return the backend of a verifier: it holds no key, every key comes from its issuer."""
    jwt_settings = simplejwt_settings.api_settings
    return KeySetTokenBackend(
        jwt_settings.ALGORITHM,
        "",
        "",
        jwt_settings.AUDIENCE,
        jwt_settings.ISSUER,
        None,
        jwt_settings.LEEWAY,
        jwt_settings.JSON_ENCODER,
        remote_keys=RemoteKeySet(
            verifier_settings.JWT_JWKS_URL, jwt_settings.ALGORITHM
        ),
    )
