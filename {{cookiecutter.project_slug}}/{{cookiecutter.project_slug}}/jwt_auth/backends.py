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
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import jwt
from django.core.signals import setting_changed
from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt.backends import TokenBackend
from rest_framework_simplejwt.exceptions import TokenBackendError
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.jwk import public_jwk, secret_kid

from .claims import has_odd_claims

# The settings the backend is built from: a test changing one builds it again.
BACKEND_SETTINGS = frozenset(
    {"SIMPLE_JWT", "JWT_PREVIOUS_VERIFYING_KEYS", "JWT_JWKS_URL"}
)


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


def prepare_key(algorithm: str, text: str) -> Any:
    """Return the PyJWT key object of a PEM text or an HMAC secret."""
    return jwt.PyJWS().get_algorithm_by_name(algorithm).prepare_key(text)


class KeySetTokenBackend(TokenBackend):
    """Sign with the current key and its ``kid``; verify with the key ``kid`` names."""

    def __init__(
        self,
        *args: Any,
        previous_keys: Iterable[str] = (),
        remote_keys: KeySource | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.previous_keys = tuple(previous_keys)
        self.remote_keys = remote_keys

    @cached_property
    def key_set(self) -> KeySet:
        """Return this service's keys, read once from the settings' texts."""
        return load_key_set(
            self.algorithm,
            self.signing_key or "",
            self.verifying_key or "",
            self.previous_keys,
        )

    def encode(self, payload: dict[str, Any]) -> str:
        """Return the signed token for ``payload``, its header naming the key (``kid``)."""
        jwt_payload = payload.copy()
        if self.audience is not None:
            jwt_payload["aud"] = self.audience
        if self.issuer is not None:
            jwt_payload["iss"] = self.issuer
        return jwt.encode(
            jwt_payload,
            self.prepared_signing_key,
            algorithm=self.algorithm,
            headers={"kid": self.key_set.signing_kid},
            json_encoder=self.json_encoder,
        )

    # simplejwt annotates the token as a Token; it is the encoded one.
    def decode(self, token: str | bytes, verify: bool = True) -> dict[str, Any]:  # type: ignore[override]
        """Return the claims of ``token``; a claim of the wrong type makes it invalid.

        ``claims.py`` says which types: a token that would break the code that
        reads it is refused like one with a bad signature (401, not 500).
        """
        payload = super().decode(token, verify)  # type: ignore[arg-type]
        if has_odd_claims(payload):
            raise TokenBackendError(_("Token is invalid"))
        return payload

    # simplejwt annotates the token as a Token; decode passes the encoded one.
    def get_verifying_key(self, token: str | bytes) -> Any:  # type: ignore[override]
        """Return the key that verifies ``token``: the one its ``kid`` names.

        Called inside ``decode``, which turns PyJWT's errors (a header that
        is not JSON) into simplejwt's ``TokenBackendError``.
        """
        kid = jwt.get_unverified_header(token).get("kid")
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
