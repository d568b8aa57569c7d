"""PyJWT, checking each HMAC secret once, when it is loaded, instead of at every use.

PyJWT refuses an HMAC secret that looks like an asymmetric key (PEM, SSH,
DER, a JSON JWK), so that a public key can never verify an HMAC token. It
does so on every signature and every verification: parsing attempts of
about 10 µs, three of them in a refresh that rotates (one verification, two
signatures), 6 % of its time. The backend's secrets are the same bytes each
time: ``prepare_key`` passes them through PyJWT's check once, when the key set is
loaded, and marks them ``VettedSecret``; ``codec`` signs and verifies with
them as they are. Any other key still goes through every check.
"""

from typing import Any

import jwt
from jwt.algorithms import HMACAlgorithm

HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")


class VettedSecret(bytes):
    """An HMAC secret that PyJWT's ``prepare_key`` has accepted."""


class VettedSecretHMAC(HMACAlgorithm):
    """PyJWT's HMAC, taking a ``VettedSecret`` as it is."""

    def prepare_key(self, key: str | bytes) -> bytes:
        if type(key) is VettedSecret:
            return key
        return super().prepare_key(key)


def prepare_key(algorithm: str, text: str | bytes) -> Any:
    """Return the PyJWT key of ``text`` (a PEM text or an HMAC secret), checked by PyJWT.

    An HMAC secret comes back as a ``VettedSecret``; a PEM key as the key object.
    """
    key = jwt.PyJWS().get_algorithm_by_name(algorithm).prepare_key(text)
    return VettedSecret(key) if isinstance(key, bytes) else key


def vetting_codec() -> jwt.PyJWT:
    """Return a PyJWT that signs and verifies with vetted secrets as they are."""
    codec = jwt.PyJWT()
    # PyJWT signs and verifies through the PyJWS it makes in __init__ and
    # keeps here; tests/test_codec.py fails if a release stops using it.
    signatures = codec._jws
    for name in HMAC_ALGORITHMS:
        hmac = signatures.get_algorithm_by_name(name)
        if isinstance(hmac, HMACAlgorithm):
            signatures.unregister_algorithm(name)
            signatures.register_algorithm(name, VettedSecretHMAC(hmac.hash_alg))
    return codec


codec = vetting_codec()
