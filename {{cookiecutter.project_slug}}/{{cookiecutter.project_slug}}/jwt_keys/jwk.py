"""Keys as JSON Web Keys (RFC 7517), each named by its thumbprint (RFC 7638).

Every token's header carries ``kid``, the thumbprint of the key that signed
it, so whoever verifies picks the right key from a set: the issuer its current
and previous keys, a verifier the issuer's published set. A thumbprint is a
SHA-256 hash of the key's required members only, so the same key always gets
the same ``kid``, wherever it is computed.

For an HMAC secret the thumbprint is computed over its ``oct`` JWK: a hash of
a random secret of 32 bytes or more, which reveals nothing usable about it.
The secret itself is never published.
"""

import base64
import hashlib
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from jwt.algorithms import get_default_algorithms

# RFC 7638, section 3.2: the members each key type's thumbprint covers.
THUMBPRINT_MEMBERS = {
    "RSA": ("e", "kty", "n"),
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "oct": ("k", "kty"),
}
# Members that only a private or secret key has (RFC 7518, section 6).
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def thumbprint(jwk: dict[str, Any]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of ``jwk``, base64url without padding."""
    members = {name: jwk[name] for name in THUMBPRINT_MEMBERS[jwk["kty"]]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def secret_kid(secret: str | bytes) -> str:
    """Return the ``kid`` of an HMAC secret: the thumbprint of its ``oct`` JWK."""
    raw = secret.encode() if isinstance(secret, str) else secret
    k = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
    return thumbprint({"kty": "oct", "k": k})


def public_jwk(public_key: PublicKeyTypes, algorithm: str) -> dict[str, Any]:
    """Return the public JWK of ``public_key`` for signatures with ``algorithm``.

    The members a verifier needs to pick and use the key: ``kty``, ``alg``,
    ``use``, ``kid`` and the key's public parameters, nothing private.
    """
    jwk = get_default_algorithms()[algorithm].to_jwk(public_key, as_dict=True)
    parameters = {
        name: value
        for name, value in jwk.items()
        if name in THUMBPRINT_MEMBERS[jwk["kty"]] and name not in PRIVATE_MEMBERS
    }
    return {
        **parameters,
        "alg": algorithm,
        "use": "sig",
        "kid": thumbprint(parameters),
    }


def public_key_kid(public_key: PublicKeyTypes, algorithm: str) -> str:
    """Return the ``kid`` of ``public_key``."""
    return public_jwk(public_key, algorithm)["kid"]


def is_public(jwk: dict[str, Any]) -> bool:
    """Return True when ``jwk`` holds no private or secret member."""
    return jwk.get("kty") != "oct" and not PRIVATE_MEMBERS & jwk.keys()
