"""Signing keys as PEM text, the form production settings read from the environment."""

from cryptography.hazmat.primitives import serialization


def private_pem(private_key):
    """Return ``private_key`` as PKCS #8 PEM text, as the environment holds it."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def public_pem(private_key):
    """Return the public half of ``private_key`` as PEM text."""
    return (
        private_key.public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        .decode()
    )
