"""``check --deploy`` with the documented production environment, and what stops the service at start.

A missing secret or a broken JWT key must stop ``manage.py`` and gunicorn.
"""

import sys

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.support.commands import manage, project_env, run_failing
from tests.support.keys import private_pem, public_pem
from tests.support.serving import (
    PRODUCTION_SETTINGS,
    production_copy,
    production_environment,
    served,
)
from tests.support.variants import VARIANTS, variants


@variants("default", "rs256", "eddsa", "postgresql")
def test_deploy_check_passes_with_the_documented_production_environment(
    project, tmp_path
):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project)
    documented = (service / ".env.example").read_text()

    result = manage(
        service,
        *("check", "--deploy", "--fail-level", "WARNING"),
        settings=PRODUCTION_SETTINGS,
        env=environment,
    )

    assert "System check identified no issues" in result.stdout
    for name in set(environment) - set(project_env()):
        assert f"{name}=" in documented


@variants("default")
def test_deploy_check_fails_when_a_production_setting_is_weakened(project, tmp_path):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, DJANGO_SECURE_HSTS_SECONDS="0")

    output = run_failing(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        service,
        environment | {"DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS},
    )

    assert "security.W004" in output


@variants("default")
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        pytest.param(
            name, value, message, id=f"{name}-{'unset' if value is None else 'empty'}"
        )
        for name, value, message in [
            (
                "DJANGO_SECRET_KEY",
                None,
                "Set the DJANGO_SECRET_KEY environment variable",
            ),
            (
                "DJANGO_ALLOWED_HOSTS",
                "",
                "Set the DJANGO_ALLOWED_HOSTS environment variable",
            ),
            ("DATABASE_URL", None, "Set the DATABASE_URL environment variable"),
            ("EMAIL_URL", None, "Set the EMAIL_URL environment variable"),
            ("JWT_SIGNING_KEY", None, "Set the JWT_SIGNING_KEY environment variable"),
            ("JWT_SIGNING_KEY", "", "jwt_auth.E002"),
        ]
    ],
)
def test_production_refuses_to_start_without_a_secret(
    project, tmp_path, name, value, message
):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, **{name: value})

    output = run_failing(
        [sys.executable, "manage.py", "check"],
        service,
        environment | {"DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS},
    )

    assert message in output


@pytest.mark.xdist_group("rs256")
def test_production_names_the_missing_key_pair_variable(bake, tmp_path):
    project = bake(**VARIANTS["rs256"]).project_path
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, JWT_PRIVATE_KEY=None)

    output = run_failing(
        [sys.executable, "manage.py", "check"],
        service,
        environment | {"DJANGO_SETTINGS_MODULE": PRODUCTION_SETTINGS},
    )

    assert "JWT_PRIVATE_KEY_FILE" in output


def key_mistakes():
    p384 = ec.generate_private_key(ec.SECP384R1())
    p256 = ec.generate_private_key(ec.SECP256R1())
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return [
        ("default", {"JWT_SIGNING_KEY": "short-secret"}, "HS256 needs at least 32"),
        (
            "es256",
            {"JWT_PRIVATE_KEY": private_pem(p384), "JWT_PUBLIC_KEY": public_pem(p384)},
            "is an EC P-384 key; ES256 needs an EC P-256 key",
        ),
        ("es256", {"JWT_PUBLIC_KEY": public_pem(p256)}, "is not the public half"),
        (
            "eddsa",
            {
                "JWT_PRIVATE_KEY": private_pem(rsa_key),
                "JWT_PUBLIC_KEY": public_pem(rsa_key),
            },
            "EdDSA needs an Ed25519 or Ed448 key",
        ),
    ]


@pytest.mark.parametrize(
    ("variant", "keys", "message"),
    [
        pytest.param(
            variant, keys, message, marks=pytest.mark.xdist_group(variant), id=message
        )
        for variant, keys, message in key_mistakes()
    ],
)
def test_a_broken_jwt_key_stops_manage_py_at_start(project, keys, message):
    output = run_failing(
        [sys.executable, "manage.py", "migrate"],
        project,
        project_env(DJANGO_SETTINGS_MODULE="config.settings.local", **keys),
    )

    assert "SystemCheckError" in output
    assert message in output


@variants("default")
def test_a_broken_jwt_key_stops_gunicorn_at_start(project, tmp_path):
    service = production_copy(project, tmp_path / "service")
    environment = production_environment(project, JWT_SIGNING_KEY="short-secret")

    with (
        pytest.raises(AssertionError, match="gunicorn exited") as refusal,
        served(service, settings=PRODUCTION_SETTINGS, env=environment),
    ):
        pass

    assert "jwt_auth.E003" in str(refusal.value)
    assert "short-secret" not in str(refusal.value)  # Errors never show a key.
