"""simplejwt's ``TokenBackend`` with key identities: ``kid`` in, keys picked by ``kid``.

simplejwt signs with one key and verifies with one key. To rotate keys without
logging everybody out, this backend signs with the current key, names it in
the token's header (``kid``, see ``jwt_keys/jwk.py``), and verifies each token
with the key its ``kid`` names: the current one or one of the previous keys still
configured (``JWT_PREVIOUS_VERIFYING_KEYS``), or, in a verifier, a key of the
issuer's published set (``verifier/remote_keys.py``). A token whose ``kid`` names no
known key is invalid, like one with a bad signature. A token without ``kid``
(signed before this project named its keys) verifies with the current key.

simplejwt's ``Token`` takes its backend from the class attribute
``_token_backend``, and only when that is None builds its own in
``rest_framework_simplejwt.state``. The role's app (``issuer`` or ``verifier``)
installs this one there, so simplejwt's token classes, views and serializers,
and any subclass, use it.

Each kind of token is typed explicitly (RFC 8725, section 3.11), so that no
verifier can take one kind for the other. Access tokens follow RFC 9068:
header ``typ: at+jwt``, audience ``JWT_AUDIENCE``. Refresh tokens are read by
this issuer only: header ``typ: rt+jwt`` (a type no access-token check
accepts, where the generic ``JWT`` would pass every check that ignores
``typ``), and the issuer itself as audience, never ``JWT_AUDIENCE``, so even a
library that ignores ``typ`` refuses one where an access token is expected.
"""

import base64
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import jwt
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _
from jwt import ExpiredSignatureError, InvalidAlgorithmError, InvalidTokenError
from rest_framework_simplejwt import settings as simplejwt_settings
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import (
    TokenBackendError,
    TokenBackendExpiredToken,
)
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import public_jwk, secret_kid

from .claims import has_odd_claims
from .codec import codec, prepare_key

logger = logging.getLogger(__name__)

# PyJWT's refusals of a claim, by the claim they concern.
CLAIM_ERRORS = (
    (jwt.InvalidIssuerError, "iss"),
    (jwt.InvalidAudienceError, "aud"),
    (jwt.ExpiredSignatureError, "exp"),
    (jwt.ImmatureSignatureError, "nbf or iat"),
)

# The settings the backend is built from: a test changing one builds it again.
BACKEND_SETTINGS = frozenset(
    {"SIMPLE_JWT", "JWT_PREVIOUS_VERIFYING_KEYS", "JWT_NEXT_KEYS_DIR", "JWT_JWKS_URL"}
)

# The header type of each kind of token (simplejwt's ``token_type`` claim).
HEADER_TYPES = {"access": "at+jwt", "refresh": "rt+jwt"}
# RFC 9068, section 4: the type may also be written as a full media type.
MEDIA_TYPE_PREFIX = "application/"


class KeySource(Protocol):
    """Where a verifier finds the keys it does not hold itself."""

    def key_for(self, kid: str) -> Any:
        """Return the verifying key named ``kid``, or None when there is none."""


@dataclass
class KeySet:
    """The keys of this service: the one that signs, and all that verify."""

    signing_kid: str | None = None
    verifying_keys: dict[str, Any] = field(default_factory=dict)
    # The public JWKs to publish, current key first; empty for HMAC secrets.
    public_jwks: list[dict[str, Any]] = field(default_factory=list)


def load_key_set(
    algorithm: str,
    signing_key: str,
    verifying_key: str,
    previous_keys: Iterable[str] = (),
) -> KeySet:
    """Return the key set of these settings' texts (PEM keys or HMAC secrets).

    The current key is ``signing_key`` for an HMAC secret, else the public
    ``verifying_key``; ``previous_keys`` are secrets or public keys. Empty texts are skipped: a verifier holds no key of its own, and a
    missing key is for the system checks to report.
    """
    key_set = KeySet()
    if is_hmac(algorithm):
        for position, secret in enumerate([signing_key, *previous_keys]):
            if not secret:
                continue
            kid = secret_kid(secret)
            if position == 0:
                key_set.signing_kid = kid
            key_set.verifying_keys.setdefault(kid, prepare_key(algorithm, secret))
        return key_set
    for position, pem in enumerate([verifying_key, *previous_keys]):
        if not pem:
            continue
        key = prepare_key(algorithm, pem)
        if hasattr(key, "private_bytes"):  # A private key: verify with its public half.
            key = key.public_key()
        jwk = public_jwk(key, algorithm)
        if position == 0:
            key_set.signing_kid = jwk["kid"]
        if jwk["kid"] not in key_set.verifying_keys:
            key_set.verifying_keys[jwk["kid"]] = key
            key_set.public_jwks.append(jwk)
    return key_set


class KeySetTokenBackend(TokenBackend):
    """Sign with the current key and its ``kid``; verify with the key ``kid`` names."""

    def __init__(
        self,
        *args: Any,
        previous_keys: Iterable[str] = (),
        remote_keys: KeySource | None = None,
        token_types: Iterable[str] = tuple(HEADER_TYPES),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.previous_keys = tuple(previous_keys)
        self.remote_keys = remote_keys
        # The kinds of token this backend accepts (a verifier: access only).
        self.token_types = {HEADER_TYPES[kind]: kind for kind in token_types}

    @cached_property
    def key_set(self) -> KeySet:
        """Return this service's keys, read once from the settings' texts."""
        return load_key_set(
            self.algorithm,
            self.signing_key or "",
            self.verifying_key or "",
            self.previous_keys,
        )

    def _prepare_key(self, key: str | None) -> Any:
        """Return simplejwt's signing and verifying keys, checked once (``codec.py``)."""
        return None if key is None else prepare_key(self.algorithm, key)

    def audience_of(self, kind: str) -> Any:
        """Return the audience of a ``kind`` token: the issuer itself for a refresh token."""
        return self.issuer if kind == "refresh" else self.audience

    def encode(self, payload: dict[str, Any]) -> str:
        """Return the signed token for ``payload``, its header naming its type and key."""
        kind = payload.get(simplejwt_settings.api_settings.TOKEN_TYPE_CLAIM)
        if kind not in HEADER_TYPES:
            raise TokenBackendError(_("Token has wrong type"))
        jwt_payload = payload.copy()
        audience = self.audience_of(kind)
        if audience is not None:
            jwt_payload["aud"] = audience
        if self.issuer is not None:
            jwt_payload["iss"] = self.issuer
        signing_key, kid = self.signing_key_now()
        return codec.encode(
            jwt_payload,
            signing_key,
            algorithm=self.algorithm,
            headers={"typ": HEADER_TYPES[kind], "kid": kid},
            json_encoder=self.json_encoder,
        )

    def signing_key_now(self) -> tuple[Any, str | None]:
        """Return the key that signs now and its ``kid``: the current key."""
        return self.prepared_signing_key, self.key_set.signing_kid

    def decode(self, token: Any, verify: bool = True) -> dict[str, Any]:
        """Return the claims of ``token``, checked against the audience of its type.

        Raise simplejwt's ``TokenBackendError`` for a type this backend does
        not accept, a ``token_type`` claim that disagrees with the header, or
        a claim of the wrong JSON type (``claims.py``: a token that would
        break the code that reads it is refused like a bad signature, 401).
        PyJWT's refusals are logged (``log_refusal``).
        """
        header = unverified_header(token)
        kind = self.kind_of(token, header)
        audience = self.audience_of(kind)
        try:
            payload = codec.decode(
                token,
                self.verifying_key_of(header),
                algorithms=[self.algorithm],
                audience=audience,
                issuer=self.issuer,
                leeway=self.get_leeway(),
                options={
                    "verify_aud": audience is not None,
                    "verify_signature": verify,
                },
            )
        except InvalidAlgorithmError as error:
            raise TokenBackendError(_("Invalid algorithm specified")) from error
        except ExpiredSignatureError as error:
            self.log_refusal(error, audience)
            raise TokenBackendExpiredToken(_("Token is expired")) from error
        except InvalidTokenError as error:
            self.log_refusal(error, audience)
            raise TokenBackendError(_("Token is invalid")) from error
        if has_odd_claims(payload):
            raise TokenBackendError(_("Token is invalid"))
        if payload.get(simplejwt_settings.api_settings.TOKEN_TYPE_CLAIM) != kind:
            raise TokenBackendError(_("Token has wrong type"))
        return payload

    def kind_of(self, token: Any, header: dict[str, Any] | None = None) -> str:
        """Return the kind of ``token`` its header's ``typ`` names, if accepted here.

        ``header``: the token's, when the caller has read it already.
        """
        if header is None:
            header = unverified_header(token)
        header_type = header.get("typ")
        kind = None
        if isinstance(header_type, str):
            media_type = header_type.lower().removeprefix(MEDIA_TYPE_PREFIX)
            kind = self.token_types.get(media_type)
        if kind is None:
            raise TokenBackendError(_("Token has wrong type"))
        return kind

    def log_refusal(self, error: InvalidTokenError, audience: Any) -> None:
        """Log which check refused a token and what this service expects.

        Never the token, nor the values it carries.
        """
        claim = refused_claim(error)
        if claim is None:
            logger.info("Token refused: %s", error)
            return
        logger.info(
            "Token refused: its %s claim (%s); this service expects iss=%s, aud=%s",
            claim,
            error,
            self.issuer,
            audience,
        )

    # simplejwt annotates the token as a Token; decode passes the encoded one.
    def get_verifying_key(self, token: str | bytes) -> Any:  # type: ignore[override]
        """Return the key that verifies ``token``: the one its ``kid`` names.

        Called inside ``decode``, which turns PyJWT's errors (a header that
        is not JSON) into simplejwt's ``TokenBackendError``.
        """
        return self.verifying_key_of(jwt.get_unverified_header(token))

    def verifying_key_of(self, header: dict[str, Any]) -> Any:
        """Return the key that verifies a token with this (unverified) ``header``."""
        kid = header.get("kid")
        if kid is None:
            kid = self.key_set.signing_kid
        if not isinstance(kid, str):
            raise TokenBackendError(_("Token is invalid"))
        key = self.key_set.verifying_keys.get(kid)
        if key is None and self.remote_keys is not None:
            key = self.remote_keys.key_for(kid)
        if key is None:
            raise TokenBackendError(_("Token is invalid"))
        return key


def unverified_header(token: Any) -> dict[str, Any]:
    """Return the header of ``token``, unverified, read from its first segment only.

    PyJWT's ``get_unverified_header`` decodes every segment, a loop in Python
    over each character: reading the kind and key of a token that way cost
    two more decodings of the whole token. ``jwt.decode`` checks it all
    after. Raise ``TokenBackendError`` for a header that cannot be read.
    """
    try:
        raw = token.encode() if isinstance(token, str) else bytes(token)
        segment = raw.split(b".", 1)[0]
        padded = segment + b"=" * (-len(segment) % 4)
        header = json.loads(base64.b64decode(padded, altchars=b"-_", validate=True))
    except (TypeError, ValueError, RecursionError) as error:
        # ValueError: binascii.Error, bad JSON, UnicodeError (a lone surrogate).
        raise TokenBackendError(_("Token is invalid")) from error
    if not isinstance(header, dict):
        raise TokenBackendError(_("Token is invalid"))
    return header


def refused_claim(error: jwt.InvalidTokenError) -> str | None:
    """Return the claim PyJWT refused a token for (``iss``, ``aud``...), or None."""
    if isinstance(error, jwt.MissingRequiredClaimError):
        return error.claim
    for kind, claim in CLAIM_ERRORS:
        if isinstance(error, kind):
            return claim
    return None


def install_token_backend(build: Callable[[], KeySetTokenBackend]) -> None:
    """Make every simplejwt token sign and verify through the backend ``build`` returns.

    Built again whenever a test changes a setting it reads. With an algorithm
    simplejwt does not know there is no backend to build: the system check
    ``jwt_auth.E001`` says so and stops the start.
    """

    def install(setting: str = "SIMPLE_JWT", **kwargs: object) -> None:
        if setting not in BACKEND_SETTINGS:
            return
        try:
            Token._token_backend = build()
        except TokenBackendError:
            Token._token_backend = None

    install()
    setting_changed.connect(install, weak=False, dispatch_uid="jwt_auth.backend")


def token_backend() -> KeySetTokenBackend:
    """Return the backend every token uses."""
    backend = Token._token_backend
    if not isinstance(backend, KeySetTokenBackend):
        # install_token_backend could not build it: jwt_auth.E001 says why.
        message = "No key set backend is installed."
        raise TokenBackendError(message)
    return backend
