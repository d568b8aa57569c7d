"""JWT signing keys: made by ``bootstrap.py`` and the tests, read by the settings.

HMAC algorithms (HS*) sign and verify with one shared secret, which must be at
least as long as the hash output (RFC 7518, section 3.2). The other algorithms
sign with a private key and verify with its public key; the key type and curve
must match the algorithm, or PyJWT refuses the key at the first request.

The settings import this module, so it imports nothing that needs them.
"""

import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.core.exceptions import ImproperlyConfigured

# RFC 7518, section 3.2: a key of the same size as the hash output or larger.
HMAC_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
ELLIPTIC_CURVES = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1}
RSA_KEY_BITS = 3072  # NIST SP 800-57: enough beyond 2030.


def is_hmac(algorithm):
    """Return True when ``algorithm`` signs with a shared secret."""
    return algorithm in HMAC_KEY_BYTES


def generate_hmac_key(algorithm):
    """Return a random URL-safe secret long enough for the HMAC ``algorithm``."""
    # Every base64 character carries 6 bits, so the text is longer than the
    # entropy it holds, and its UTF-8 bytes exceed the RFC 7518 minimum.
    return secrets.token_urlsafe(HMAC_KEY_BYTES[algorithm])


def generate_private_key(algorithm):
    """Return a new private key of the type and size ``algorithm`` needs."""
    if algorithm.startswith(("RS", "PS")):
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    if algorithm in ELLIPTIC_CURVES:
        return ec.generate_private_key(ELLIPTIC_CURVES[algorithm]())
    if algorithm == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    message = f"No key pair for the JWT algorithm {algorithm!r}."
    raise ValueError(message)


def private_key_to_pem(private_key):
    """Return ``private_key`` as unencrypted PKCS#8 PEM text."""
    return private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()


def public_key_to_pem(private_key):
    """Return the public half of ``private_key`` as PEM text."""
    return (
        private_key.public_key()
        .public_bytes(
            encoding=serialization.Encoding.PEM,
            format=serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )


def generate_signing_keys(algorithm):
    """Return fresh ``SIGNING_KEY`` and ``VERIFYING_KEY`` settings for ``algorithm``.

    For HMAC both are the same secret (simplejwt verifies with the signing key).
    """
    if is_hmac(algorithm):
        secret = generate_hmac_key(algorithm)
        return {"SIGNING_KEY": secret, "VERIFYING_KEY": ""}
    private_key = generate_private_key(algorithm)
    return {
        "SIGNING_KEY": private_key_to_pem(private_key),
        "VERIFYING_KEY": public_key_to_pem(private_key),
    }


def signing_keys_from_env(env, base_dir, algorithm):
    """Return ``SIGNING_KEY`` and ``VERIFYING_KEY`` settings read from the environment.

    HMAC: ``JWT_SIGNING_KEY``. Key pairs: the PEM text in ``JWT_PRIVATE_KEY`` and
    ``JWT_PUBLIC_KEY``, or else the files named by ``JWT_PRIVATE_KEY_FILE`` and
    ``JWT_PUBLIC_KEY_FILE`` (relative to ``base_dir``). A missing variable raises
    Django's ``ImproperlyConfigured`` naming it.
    """
    if is_hmac(algorithm):
        return {"SIGNING_KEY": env.str("JWT_SIGNING_KEY"), "VERIFYING_KEY": ""}
    return {
        "SIGNING_KEY": _pem_from_env(env, base_dir, "JWT_PRIVATE_KEY"),
        "VERIFYING_KEY": _pem_from_env(env, base_dir, "JWT_PUBLIC_KEY"),
    }


def _pem_from_env(env, base_dir, name):
    pem = env.str(name, default="")
    if pem:
        # Single-line variables (CI secrets, container platforms) carry "\n".
        return pem.replace("\\n", "\n")
    path = Path(base_dir) / env.str(f"{name}_FILE")
    try:
        return path.read_text()
    except FileNotFoundError:
        message = (
            f"{name}_FILE names {path}, which does not exist. Run "
            f"'python3 bootstrap.py' to create the key pair, or set {name}."
        )
        raise ImproperlyConfigured(message) from None
