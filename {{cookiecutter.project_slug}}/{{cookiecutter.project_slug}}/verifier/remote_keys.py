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
* The keys are trusted for ``KEYS_MAX_AGE_SECONDS`` (the issuer's JWKS
  ``max-age``), here and in the shared cache. After that the first token
  starts a fetch in the background and keeps verifying meanwhile: a key the
  issuer stopped publishing, or one a bad answer slipped in, is forgotten at
  the next good fetch, and no request waits on an issuer that hangs.
* With the issuer unreachable, the keys already known keep working.
* A fetch has ``FETCH_TIMEOUT_SECONDS`` in all (a server sending a byte at a
  time cannot hold it), at most ``MAX_JWKS_BYTES``, no redirect to another
  scheme, and JSON no deeper than Python parses.
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
from urllib.parse import urlsplit

import jwt
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework_simplejwt import settings as simplejwt_settings

from {{ cookiecutter.project_slug }}.jwt_auth.backends import KeySetTokenBackend
from {{ cookiecutter.project_slug }}.jwt_auth.cache import verified_tokens

from .conf import verifier_settings

logger = logging.getLogger(__name__)

REFETCH_SECONDS = 5
# issuer/wellknown.py serves its key set with this max-age.
KEYS_MAX_AGE_SECONDS = 300
FETCH_TIMEOUT_SECONDS = 5
MAX_JWKS_BYTES = 1_000_000
READ_CHUNK_BYTES = 65_536


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


class SameSchemeRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the scheme of the URL asked (never https to http, or ftp)."""

    def redirect_request(  # noqa: PLR0913, PLR0917 - urllib's signature
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        if urlsplit(newurl).scheme != urlsplit(req.full_url).scheme:
            message = f"{req.full_url} redirects to another scheme: {newurl}"
            raise ValueError(message)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


opener = urllib.request.build_opener(SameSchemeRedirects)


def fetch_jwks(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Return the JSON Web Key Set at ``url``; raise OSError or ValueError on failure.

    The whole fetch, not each read, has ``timeout`` seconds: a server that
    sends one byte at a time cannot hold the request. The answer is at most
    ``MAX_JWKS_BYTES`` long, nested at most as deep as JSON allows here.
    """
    if not url.startswith(("https://", "http://")):
        message = f"JWT_JWKS_URL must be an http(s) URL, not {url!r}."
        raise ValueError(message)
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 - scheme checked above
    with opener.open(request, timeout=timeout) as response:
        body = read_until(response, deadline)
    try:
        jwks = json.loads(body)
    except RecursionError:
        message = f"The key set at {url} is nested too deeply."
        raise ValueError(message) from None
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        message = f"{url} did not answer with a JSON Web Key Set."
        raise ValueError(message)
    return jwks


def read_until(response: Any, deadline: float) -> bytes:
    """Return the body of ``response``, read by chunks until ``deadline`` (monotonic)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read1(READ_CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_JWKS_BYTES:
            message = f"The key set is larger than {MAX_JWKS_BYTES} bytes."
            raise ValueError(message)
        if time.monotonic() > deadline:
            message = "The key set took longer than its deadline to arrive."
            raise TimeoutError(message)
        chunks.append(chunk)
    return b"".join(chunks)


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
        # When the keys were fetched from the issuer (time.time(), any worker).
        self._fetched_at = 0.0
        self._next_fetch = 0.0
        self._lock = threading.Lock()
        # Held only to start the refresher: never while fetching.
        self._refresher_lock = threading.Lock()
        self.refresher: threading.Thread | None = None

    def key_for(self, kid: str) -> Any:
        """Return the issuer's key named ``kid``, or None when the issuer has none.

        Raise KeysUnavailable when no key of the issuer is known at all.
        """
        key = self._keys.get(kid)
        if key is None:
            with self._lock:
                self._update_from_shared_cache()
                if kid not in self._keys:
                    self._fetch_unless_too_soon()
                if not self._keys:
                    raise KeysUnavailable(self._next_fetch - time.monotonic())
                key = self._keys.get(kid)
        if self._stale():
            self._refresh_in_background()
        return key

    def _stale(self) -> bool:
        return time.time() - self._fetched_at >= KEYS_MAX_AGE_SECONDS

    def _refresh_in_background(self) -> None:
        """Fetch the keys again in a thread of their own; requests keep the current ones."""
        with self._refresher_lock:
            if self.refresher is not None and self.refresher.is_alive():
                return
            self.refresher = threading.Thread(
                target=self._refresh, name="jwks-refresh", daemon=True
            )
            self.refresher.start()

    def _refresh(self) -> None:
        with self._lock:
            self._update_from_shared_cache()
            if self._stale():
                self._fetch_unless_too_soon()

    def _update_from_shared_cache(self) -> None:
        try:
            shared = cache.get(self.cache_key)
        except Exception:
            logger.exception("Cannot read the issuer's keys from the shared cache")
            return
        if not isinstance(shared, dict) or shared.get("jwks") == self._cached:
            return
        self._take(shared["jwks"], shared.get("fetched_at", 0.0))

    def _take(self, jwks: dict[str, Any], fetched_at: float) -> None:
        """Trust the keys of ``jwks``, fetched at ``fetched_at``, instead of the others."""
        keys = verifying_keys(jwks, self.algorithm)
        if not keys:
            return
        dropped = self._keys.keys() - keys.keys()
        self._cached = jwks
        self._keys = keys
        self._fetched_at = fetched_at
        if dropped:
            # No verification remembered outlives the key that made it.
            verified_tokens.clear()

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
        fetched_at = time.time()
        self._take(jwks, fetched_at)
        try:
            cache.set(
                self.cache_key,
                {"jwks": jwks, "fetched_at": fetched_at},
                timeout=KEYS_MAX_AGE_SECONDS,
            )
        except Exception:
            logger.exception("Cannot share the issuer's keys through the cache")

    def clear(self) -> None:
        """Forget the keys (tests start from nothing)."""
        with self._lock:
            self._keys = {}
            self._cached = None
            self._fetched_at = 0.0
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
        # A verifier takes access tokens only: a refresh token is the issuer's.
        token_types=("access",),
    )
