"""New JWT signing keys, of the type and size ``algorithms.py`` says.

``manage.py generate_jwt_keys`` and ``rotate_jwt_key`` write them for a
checkout; the test settings make throwaway ones. Reading the keys of a running
service is ``loading.py``'s job.
"""

import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from .algorithms import EC, NEW_RSA_KEY_BITS, OKP, RSA, RSA_PSS, get_algorithm, is_hmac


def generate_hmac_key(algorithm: str) -> str:
    """Return a random URL-safe secret long enough for the HMAC ``algorithm``."""
    # Every base64 character carries 6 bits, so the text is longer than the
    # entropy it holds, and its UTF-8 bytes exceed the RFC 7518 minimum.
    return secrets.token_urlsafe(get_algorithm(algorithm).min_key_size)


# The private keys this project makes: what PyJWT signs with.
GeneratedKey = (
    rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
)


def generate_private_key(
    algorithm: str, rsa_key_bits: int = NEW_RSA_KEY_BITS
) -> GeneratedKey:
    """Return a new private key of the type and size ``algorithm`` needs.

    ``rsa_key_bits`` only matters for RSA; tests pass the smallest size the
    checks accept, which is faster to make.
    """
    facts = get_algorithm(algorithm)
    if facts.family in {RSA, RSA_PSS}:
        return rsa.generate_private_key(public_exponent=65537, key_size=rsa_key_bits)
    if facts.family == EC and facts.curve is not None:
        return ec.generate_private_key(facts.curve())
    if facts.family == OKP:
        return ed25519.Ed25519PrivateKey.generate()
    message = f"No key pair for the JWT algorithm {algorithm!r}."
    raise ValueError(message)


def private_key_to_pem(private_key: PrivateKeyTypes) -> str:
    """Return ``private_key`` as unencrypted PKCS#8 PEM text."""
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def public_key_to_pem(private_key: PrivateKeyTypes) -> str:
    """Return the public half of ``private_key`` as PEM text."""
    return (
        private_key.public_key()
        .public_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


def generate_signing_keys(
    algorithm: str, rsa_key_bits: int = NEW_RSA_KEY_BITS
) -> dict[str, str]:
    """Return fresh ``SIGNING_KEY`` and ``VERIFYING_KEY`` settings for ``algorithm``.

    For HMAC both are the same secret (simplejwt verifies with the signing key).
    """
    if is_hmac(algorithm):
        return {"SIGNING_KEY": generate_hmac_key(algorithm), "VERIFYING_KEY": ""}
    private_key = generate_private_key(algorithm, rsa_key_bits)
    return {
        "SIGNING_KEY": private_key_to_pem(private_key),
        "VERIFYING_KEY": public_key_to_pem(private_key),
    }
