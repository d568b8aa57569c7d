"""The issuer's public keys, as a verifier finds them: fetched in the background, then remembered.

A verifier signs nothing: it verifies tokens with the keys its issuer
publishes at ``JWT_JWKS_URL``. The key set is fetched by a thread of its own,
kept in this worker's memory and in the shared cache (``CACHES["default"]``),
where the other workers find it without asking the issuer again. No request
ever waits on the issuer once some key of it is known.

* The keys are trusted for the ``max-age`` of the issuer's answer
  (``Cache-Control``; between ``MIN_MAX_AGE_SECONDS`` and
  ``MAX_MAX_AGE_SECONDS``, ``DEFAULT_MAX_AGE_SECONDS`` without one), here and
  in the shared cache. After that the first token starts a fetch in the
  background and keeps verifying meanwhile: a key the issuer stopped
  publishing, or one a bad answer slipped in, is forgotten at the next good
  fetch, so within one ``max-age`` (and the fetch's deadline).
* A token naming a key this worker does not know is not kept waiting: it is
  refused at once (401) and a fetch starts in the background, at most once
  every ``REFETCH_SECONDS`` per worker, so tokens with made-up ``kid`` values
  cannot turn the verifier against the issuer. The issuer publishes a key
  before it signs with it (``JWT_KEY_PUBLISH_SECONDS``, longer than its
  ``max-age``), so a verifier whose keys are fresh already knows every key
  that signs. When the keys are older than their ``max-age`` (an idle worker,
  or an issuer that does not answer) an unknown ``kid`` may be a key
  published meanwhile: the answer is 503 with ``Retry-After`` instead, never
  a 401 that would log a user out.
* With the issuer unreachable, the keys already known keep working.
* A fetch has ``FETCH_TIMEOUT_SECONDS`` in all (a server sending a byte at a
  time cannot hold it), at most ``MAX_JWKS_BYTES``, no redirect to another
  scheme, and JSON no deeper than Python parses.
* With no keys at all (a worker's first token) the request waits for the
  first fetch at most ``FIRST_KEYS_WAIT_SECONDS``; without keys by then the
  answer is 503 with ``Retry-After``, never 500.
"""

import hashlib
import json
import logging
import threading
import time
import urllib.request
from dataclasses import dataclass
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
# How long keys are trusted without a max-age (issuer/wellknown.py serves
# 300), and the bounds on the issuer's: asked at every request a verifier
# would hammer the issuer; trusted for days it would keep a retired key.
DEFAULT_MAX_AGE_SECONDS = 300
MIN_MAX_AGE_SECONDS = 30
MAX_MAX_AGE_SECONDS = 3600
FETCH_TIMEOUT_SECONDS = 5
FIRST_KEYS_WAIT_SECONDS = 2
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


@dataclass(frozen=True)
class FetchedKeys:
    """A JSON Web Key Set as the issuer answered it, and how long it may be trusted."""

    jwks: dict[str, Any]
    max_age: float = DEFAULT_MAX_AGE_SECONDS


def max_age_of(cache_control: str | None) -> float:
    """Return how long an answer with this ``Cache-Control`` may be trusted, bounded.

    ``no-store``, ``no-cache`` and ``max-age=0`` mean the shortest time
    allowed here, an answer without ``max-age`` the default.
    """
    max_age: float = DEFAULT_MAX_AGE_SECONDS
    for directive in (cache_control or "").lower().split(","):
        name, _, value = directive.strip().partition("=")
        if name in {"no-store", "no-cache"}:
            return MIN_MAX_AGE_SECONDS
        if name == "max-age":
            try:
                max_age = int(value.strip().strip('"'))
            except ValueError:
                continue
    return min(max(max_age, MIN_MAX_AGE_SECONDS), MAX_MAX_AGE_SECONDS)


def fetch_jwks(url: str, timeout: float = FETCH_TIMEOUT_SECONDS) -> FetchedKeys:
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
        max_age = max_age_of(response.headers.get("Cache-Control"))
    try:
        jwks = json.loads(body)
    except RecursionError:
        message = f"The key set at {url} is nested too deeply."
        raise ValueError(message) from None
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        message = f"{url} did not answer with a JSON Web Key Set."
        raise ValueError(message)
    return FetchedKeys(jwks, max_age)


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
        # When the keys were fetched from the issuer (time.time(), any worker),
        # and how long the issuer said they may be trusted.
        self._fetched_at = 0.0
        self._max_age: float = DEFAULT_MAX_AGE_SECONDS
        # When this worker may ask again for a kid it does not know (monotonic).
        self._next_fetch = 0.0
        # Held while the keys change, never by a request waiting on the issuer.
        self._lock = threading.Lock()
        # Held only to start the refresher.
        self._refresher_lock = threading.Lock()
        self.refresher: threading.Thread | None = None

    def key_for(self, kid: str) -> Any:
        """Return the issuer's key named ``kid``, or None when the issuer has none.

        Raise KeysUnavailable when no key of the issuer is known yet, or when
        ``kid`` is unknown and the keys known are older than their max-age.
        """
        key = self._keys.get(kid)
        if key is not None:
            if self._stale():
                self._refresh_in_background()
            return key
        if not self._keys:
            self._wait_for_first_keys()
            key = self._keys.get(kid)
            if key is not None:
                return key
        self._refresh_in_background(unknown_kid=True)
        if not self._keys or self._stale():
            raise KeysUnavailable(self._next_fetch - time.monotonic())
        return None

    def _stale(self) -> bool:
        return time.time() - self._fetched_at >= self._max_age

    def _wait_for_first_keys(self) -> None:
        """Start the first fetch and wait for it, at most ``FIRST_KEYS_WAIT_SECONDS``."""
        refresher = self._refresh_in_background(unknown_kid=True)
        if refresher is not None:
            refresher.join(timeout=FIRST_KEYS_WAIT_SECONDS)

    def _refresh_in_background(
        self, *, unknown_kid: bool = False
    ) -> threading.Thread | None:
        """Fetch the keys again in a thread of their own; requests keep the current ones.

        At most once every ``REFETCH_SECONDS``; for an ``unknown_kid`` even
        when the keys are fresh. Return the refresher running, if any.
        """
        with self._refresher_lock:
            if self.refresher is not None and self.refresher.is_alive():
                return self.refresher
            now = time.monotonic()
            if now < self._next_fetch:
                return None
            self._next_fetch = now + REFETCH_SECONDS
            self.refresher = threading.Thread(
                target=self._refresh,
                args=(unknown_kid,),
                name="jwks-refresh",
                daemon=True,
            )
            self.refresher.start()
            return self.refresher

    def _refresh(self, unknown_kid: bool) -> None:
        """Take a newer set another worker fetched, else ask the issuer when needed."""
        fetched_before = self._fetched_at
        self._update_from_shared_cache()
        if self._fetched_at > fetched_before and not self._stale():
            return
        if unknown_kid or self._stale():
            self._fetch()

    def _update_from_shared_cache(self) -> None:
        try:
            shared = cache.get(self.cache_key)
        except Exception:
            logger.exception("Cannot read the issuer's keys from the shared cache")
            return
        if not isinstance(shared, dict):
            return
        if shared.get("fetched_at", 0.0) <= self._fetched_at:
            return
        self._take(
            FetchedKeys(shared["jwks"], shared.get("max_age", DEFAULT_MAX_AGE_SECONDS)),
            shared.get("fetched_at", 0.0),
        )

    def _take(self, fetched: FetchedKeys, fetched_at: float) -> None:
        """Trust the keys of ``fetched``, fetched at ``fetched_at``, instead of the others."""
        keys = verifying_keys(fetched.jwks, self.algorithm)
        if not keys:
            return
        with self._lock:
            dropped = self._keys.keys() - keys.keys()
            self._keys = keys
            self._fetched_at = fetched_at
            self._max_age = fetched.max_age
        if dropped:
            # No verification remembered outlives the key that made it.
            verified_tokens.clear()

    def _fetch(self) -> None:
        try:
            fetched = fetch_jwks(self.url)
        except (OSError, ValueError) as error:
            # The keys known so far keep working while the issuer is away.
            logger.warning(
                "Cannot fetch the issuer's keys from %s: %s", self.url, error
            )
            return
        fetched_at = time.time()
        self._take(fetched, fetched_at)
        try:
            cache.set(
                self.cache_key,
                {
                    "jwks": fetched.jwks,
                    "fetched_at": fetched_at,
                    "max_age": fetched.max_age,
                },
                timeout=fetched.max_age,
            )
        except Exception:
            logger.exception("Cannot share the issuer's keys through the cache")

    def clear(self) -> None:
        """Forget the keys (tests start from nothing)."""
        with self._lock:
            self._keys = {}
            self._fetched_at = 0.0
            self._max_age = DEFAULT_MAX_AGE_SECONDS
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
