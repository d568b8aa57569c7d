"""The codec checks each HMAC secret once, and every other key as PyJWT does (codec.py)."""

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt import algorithms

{% if cookiecutter.__signing == "hmac" -%}
from {{ cookiecutter.project_slug }}.jwt_auth.backends import token_backend
{% endif -%}
from {{ cookiecutter.project_slug }}.jwt_auth.codec import (
    VettedSecret,
    codec,
    prepare_key,
)

SECRET = "codec-test-secret-" * 4
PAYLOAD = {"sub": "42", "token_type": "access"}


def public_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_a_vetted_secret_signs_and_verifies_as_pyjwt_does_with_the_text():
    secret = prepare_key("HS256", SECRET)

    signed = codec.encode(PAYLOAD, secret, algorithm="HS256")

    assert isinstance(secret, VettedSecret)
    assert signed == jwt.encode(PAYLOAD, SECRET, algorithm="HS256")
    assert jwt.decode(signed, SECRET, algorithms=["HS256"]) == PAYLOAD
    assert codec.decode(signed, secret, algorithms=["HS256"]) == PAYLOAD


def test_a_vetted_secret_still_refuses_a_token_signed_with_another():
    signed = jwt.encode(PAYLOAD, "another-secret-" * 4, algorithm="HS256")

    with pytest.raises(jwt.InvalidSignatureError):
        codec.decode(signed, prepare_key("HS256", SECRET), algorithms=["HS256"])


def test_a_public_key_is_refused_as_an_hmac_secret_when_vetted():
    with pytest.raises(jwt.InvalidKeyError):
        prepare_key("HS256", public_pem())


def test_a_key_that_was_not_vetted_is_checked_at_every_use():
    # Algorithm confusion: a token whose header says HS256, verified with a
    # public key's text as its secret. PyJWT's check refuses the key.
    pem = public_pem()
    forged = jwt.encode(PAYLOAD, SECRET, algorithm="HS256")

    with pytest.raises(jwt.InvalidKeyError):
        codec.decode(forged, pem, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidKeyError):
        codec.encode(PAYLOAD, pem, algorithm="HS256")


def test_the_codec_skips_the_check_for_a_vetted_secret_only(monkeypatch):
    # If a PyJWT release stopped signing through the PyJWS the codec adapts,
    # the check would run for vetted secrets too, and this test fails.
    checks = []
    is_pem_format = algorithms.is_pem_format

    def counted(key: bytes) -> bool:
        checks.append(key)
        return is_pem_format(key)

    monkeypatch.setattr(algorithms, "is_pem_format", counted)
    secret = prepare_key("HS256", SECRET)
    checks.clear()

    signed = codec.encode(PAYLOAD, secret, algorithm="HS256")
    codec.decode(signed, secret, algorithms=["HS256"])
    assert checks == []

    signed = codec.encode(PAYLOAD, SECRET, algorithm="HS256")
    codec.decode(signed, SECRET, algorithms=["HS256"])
    assert len(checks) == 2
{%- if cookiecutter.__signing == "hmac" %}


def test_the_backend_signs_and_verifies_with_vetted_secrets():
    backend = token_backend()

    assert isinstance(backend.prepared_signing_key, VettedSecret)
    assert all(
        isinstance(key, VettedSecret) for key in backend.key_set.verifying_keys.values()
    )
{%- endif %}
