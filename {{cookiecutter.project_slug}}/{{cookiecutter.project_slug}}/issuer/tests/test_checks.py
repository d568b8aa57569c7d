"""The system checks turn a JWT setup that cannot work into an error at start.

Each test configures one mistake, whatever algorithm this project uses: a
team may switch algorithms later, and the checks must catch the mistakes of
every one of them.
"""

import hashlib
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from django.conf import settings
from django.core import checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from rest_framework_simplejwt.backends import ALLOWED_ALGORITHMS

from {{ cookiecutter.project_slug }}.issuer.checks import (
    check_jwt_configuration,
    check_next_key_files,
    check_secret_file_modes,
)
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import ALGORITHMS
from {{ cookiecutter.project_slug }}.jwt_keys.generation import (
    generate_hmac_key,
    private_key_to_pem,
    public_key_to_pem,
)
from {{ cookiecutter.project_slug }}.jwt_keys.loading import next_key_name

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
P256_KEY = ec.generate_private_key(ec.SECP256R1())
P384_KEY = ec.generate_private_key(ec.SECP384R1())
ED25519_KEY = ed25519.Ed25519PrivateKey.generate()


def jwt_settings(algorithm, signing_key, verifying_key=""):
    return override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT
        | {
            "ALGORITHM": algorithm,
            "SIGNING_KEY": signing_key,
            "VERIFYING_KEY": verifying_key,
        }
    )


def pair(private_key):
    return private_key_to_pem(private_key), public_key_to_pem(private_key)


def findings(algorithm, signing_key, verifying_key=""):
    """Return ``(id, message)`` of each check message for these settings."""
    return [
        (message.id, message.msg)
        for message in messages(algorithm, signing_key, verifying_key)
    ]


def messages(algorithm, signing_key, verifying_key=""):
    """Return the check messages for these settings."""
    with jwt_settings(algorithm, signing_key, verifying_key):
        return check_jwt_configuration()


HMAC_ALGORITHMS = [name for name, facts in ALGORITHMS.items() if facts.is_hmac]


def test_the_configured_keys_pass():
    assert check_jwt_configuration() == []


@pytest.mark.parametrize(
    ("algorithm", "key"),
    [
        ("HS256", generate_hmac_key("HS256")),
        ("HS512", generate_hmac_key("HS512")),
        ("RS256", RSA_KEY),
        ("PS384", RSA_KEY),
        ("ES256", P256_KEY),
        ("ES384", P384_KEY),
        ("EdDSA", ED25519_KEY),
    ],
    # Named by algorithm: a generated key in the id would differ between
    # pytest-xdist's workers, which then refuse to run the session.
    ids=lambda value: value if isinstance(value, str) and len(value) < 8 else "key",
)
def test_keys_that_fit_their_algorithm_pass(algorithm, key):
    keys = (key,) if isinstance(key, str) else pair(key)

    assert findings(algorithm, *keys) == []


def test_every_algorithm_is_one_simplejwt_supports():
    assert set(ALGORITHMS) <= ALLOWED_ALGORITHMS


def test_an_unknown_algorithm_is_an_error():
    [(check_id, message)] = findings("HS257", generate_hmac_key("HS256"))

    assert check_id == "jwt_auth.E001"
    assert "'HS257'" in message


@pytest.mark.parametrize(
    ("algorithm", "variable"),
    [("HS256", "JWT_SIGNING_KEY"), ("RS256", "JWT_PRIVATE_KEY_FILE")],
)
def test_an_empty_signing_key_is_an_error_naming_the_command_that_makes_one(
    algorithm, variable
):
    [error] = messages(algorithm, "")

    assert error.id == "jwt_auth.E002"
    assert error.msg == "SIMPLE_JWT['SIGNING_KEY'] is empty."
    assert variable in error.hint
    assert "python manage.py generate_jwt_keys" in error.hint


@pytest.mark.parametrize("algorithm", HMAC_ALGORITHMS)
def test_the_hmac_minimum_is_the_hash_output_size(algorithm):
    # RFC 7518, section 3.2: a key of the same size as the hash output or larger.
    digest_size = hashlib.new(f"sha{algorithm[2:]}").digest_size

    assert ALGORITHMS[algorithm].min_key_size == digest_size


@pytest.mark.parametrize("algorithm", HMAC_ALGORITHMS)
def test_an_hmac_secret_shorter_than_rfc_7518_asks_is_an_error(algorithm):
    needed = ALGORITHMS[algorithm].min_key_size
    assert needed is not None
    [(check_id, message)] = findings(algorithm, "x" * (needed - 1))

    assert check_id == "jwt_auth.E003"
    assert message == (
        f"SIMPLE_JWT['SIGNING_KEY'] is {needed - 1} bytes long; {algorithm} needs "
        f"at least {needed} (RFC 7518, section 3.2)."
    )
    assert findings(algorithm, "x" * needed) == []


def test_a_pem_key_as_hmac_secret_fails_the_round_trip():
    public_pem = public_key_to_pem(RSA_KEY)

    [(check_id, message)] = findings("HS256", public_pem)

    assert check_id == "jwt_auth.E008"
    assert message.startswith(
        "Signing and verifying a test token with SIMPLE_JWT failed"
    )


def test_a_signing_key_that_is_not_a_private_key_is_an_error():
    [(check_id, message)] = findings("RS256", public_key_to_pem(RSA_KEY))

    assert check_id == "jwt_auth.E004"
    assert "not an unencrypted PEM private key" in message


@pytest.mark.parametrize(
    ("algorithm", "key", "described", "expected"),
    [
        ("ES256", P384_KEY, "an EC P-384 key", "an EC P-256 key"),
        ("ES384", RSA_KEY, "an RSA 2048-bit key", "an EC P-384 key"),
        ("RS256", ED25519_KEY, "an Ed25519 key", "an RSA key of 2048 bits or more"),
        ("EdDSA", P256_KEY, "an EC P-256 key", "an Ed25519 or Ed448 key"),
    ],
)
def test_a_key_of_the_wrong_type_or_curve_is_an_error(
    algorithm, key, described, expected
):
    [(check_id, message)] = findings(algorithm, *pair(key))

    assert check_id == "jwt_auth.E006"
    assert (
        message
        == f"SIMPLE_JWT['SIGNING_KEY'] is {described}; {algorithm} needs {expected}."
    )


def test_a_short_rsa_key_is_an_error():
    weak_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505

    [(check_id, message)] = findings("RS256", *pair(weak_key))

    assert check_id == "jwt_auth.E006"
    assert "is an RSA 1024-bit key" in message


@pytest.mark.parametrize("verifying_key", ["", "not a key"])
def test_a_missing_or_unreadable_verifying_key_is_an_error(verifying_key):
    [(check_id, message)] = findings(
        "ES256", private_key_to_pem(P256_KEY), verifying_key
    )

    assert check_id == "jwt_auth.E005"
    assert message.startswith("SIMPLE_JWT['VERIFYING_KEY']")


def test_a_verifying_key_of_another_pair_is_an_error():
    other_key = ec.generate_private_key(ec.SECP256R1())

    [(check_id, message)] = findings(
        "ES256", private_key_to_pem(P256_KEY), public_key_to_pem(other_key)
    )

    assert check_id == "jwt_auth.E007"
    assert "is not the public half of SIMPLE_JWT['SIGNING_KEY']" in message


def test_the_django_secret_key_as_signing_key_is_a_warning():
    [(check_id, _)] = findings("HS256", settings.SECRET_KEY)

    assert check_id == "jwt_auth.W001"


# Django 6 runs the model checks against every database: on SQLite a JSONField
# (the security events') asks the database whether it supports JSON.
@pytest.mark.django_db
def test_manage_py_check_stops_on_a_broken_key():
    with (
        jwt_settings("HS256", "too short"),
        pytest.raises(SystemCheckError, match=r"jwt_auth\.E003"),
    ):
        call_command("check")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_secret_file_others_can_read_stops_the_start(tmp_path, mode):
    key_file = tmp_path / "private.pem"
    key_file.write_text("private pem")
    key_file.chmod(mode)

    with override_settings(JWT_SECRET_FILES=[str(key_file)]):
        (error,) = check_secret_file_modes()

    assert error.id == "jwt_auth.E015"
    assert error.hint == f"Run: chmod 600 {key_file}"


def test_secret_files_of_their_owner_only_pass(tmp_path):
    key_file = tmp_path / "private.pem"
    key_file.write_text("private pem")
    key_file.chmod(0o600)

    with override_settings(
        JWT_SECRET_FILES=[str(key_file), str(tmp_path / "not-made-yet.pem")]
    ):
        assert check_secret_file_modes() == []


@pytest.mark.parametrize(
    ("issuer", "errors"),
    [
        (None, []),
        ("https://auth.example.com", []),
        ("http://auth.example.com", ["jwt_auth.E017"]),
    ],
    ids=["unset", "https", "http"],
)
@pytest.mark.django_db  # All checks, the database's too (see above).
def test_deploy_checks_require_an_https_issuer(
    issuer: str | None, errors: list[str]
) -> None:
    with override_settings(SIMPLE_JWT=settings.SIMPLE_JWT | {"ISSUER": issuer}):
        found = checks.run_checks(include_deployment_checks=True)
    assert [error.id for error in found if error.id == "jwt_auth.E017"] == errors


def test_a_damaged_signing_key_file_is_named(tmp_path):
    key_file = tmp_path / "jwt_private.pem"
    key_file.write_bytes(b"\xff\xfe\x00 half a key")
    _, public_pem = pair(P256_KEY)

    with override_settings(JWT_KEY_FILES={"SIGNING_KEY": str(key_file)}):
        [(check_id, message)] = findings(
            "ES256", key_file.read_text(errors="replace"), public_pem
        )

    assert check_id == "jwt_auth.E004"
    assert f"(read from {key_file})" in message


def test_a_missing_signing_key_file_is_named(tmp_path):
    key_file = tmp_path / "keys/jwt_private.pem"

    with override_settings(JWT_KEY_FILES={"SIGNING_KEY": str(key_file)}):
        [(check_id, message)] = findings("ES256", "")

    assert check_id == "jwt_auth.E002"
    assert f"(read from {key_file}, which does not exist)" in message


def test_a_verifying_key_file_of_another_key_is_named(tmp_path):
    key_file = tmp_path / "jwt_public.pem"
    private_pem, _ = pair(P256_KEY)
    key_file.write_text(public_key_to_pem(ec.generate_private_key(ec.SECP256R1())))

    with override_settings(JWT_KEY_FILES={"VERIFYING_KEY": str(key_file)}):
        [(check_id, message)] = findings("ES256", private_pem, key_file.read_text())

    assert check_id == "jwt_auth.E007"
    assert f"SIMPLE_JWT['VERIFYING_KEY'] (read from {key_file})" in message


def next_key_warnings(folder, algorithm="ES256"):
    with override_settings(
        JWT_NEXT_KEYS_DIR=folder,
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ALGORITHM": algorithm},
    ):
        return check_next_key_files()


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        # Cut at run time: a key's header written here would stop the
        # pre-commit hook that looks for private keys.
        (None, private_key_to_pem(P256_KEY).encode()[:60], "is not an unencrypted PEM"),
        (None, b"\xff\xfe\x00", "is not an unencrypted PEM"),
        (None, private_key_to_pem(RSA_KEY).encode(), "ES256 needs"),
        ("by-hand.pem", private_key_to_pem(P256_KEY).encode(), "is not named"),
    ],
    ids=["truncated", "binary", "other-algorithm", "misnamed"],
)
def test_a_next_key_file_that_will_never_sign_is_a_warning_naming_it(
    tmp_path, name, content, problem
):
    path = tmp_path / (name or next_key_name("kid", datetime.now(tz=UTC)))
    path.write_bytes(content)

    (warning,) = next_key_warnings(tmp_path)

    assert warning.id == "jwt_auth.W002"
    assert str(path) in warning.msg
    assert problem in warning.msg
    assert str(path) in warning.hint


def test_next_key_files_that_will_sign_pass(tmp_path):
    path = tmp_path / next_key_name("kid", datetime.now(tz=UTC))
    path.write_text(private_key_to_pem(P256_KEY))

    assert next_key_warnings(tmp_path) == []
    assert next_key_warnings(tmp_path / "not-made-yet") == []
    assert next_key_warnings(tmp_path, algorithm="HS256") == []
