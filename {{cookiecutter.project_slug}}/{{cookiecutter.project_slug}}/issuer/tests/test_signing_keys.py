"""The keys of the test settings and of a fresh checkout, as the issuer's checks see them."""

import pytest
from django.conf import settings
from django.test import override_settings

from {{ cookiecutter.project_slug }}.issuer.checks import check_jwt_configuration
from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import (
    ALGORITHMS,
    MIN_RSA_KEY_BITS,
)
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_signing_keys

from tests.helpers import run_python

KEY_VARIABLES = (
    "JWT_SIGNING_KEY",
    "JWT_PRIVATE_KEY",
    "JWT_PUBLIC_KEY",
    "JWT_PRIVATE_KEY_FILE",
    "JWT_PUBLIC_KEY_FILE",
)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_the_test_settings_keys_pass_the_checks_of_every_algorithm(algorithm):
    keys = generate_signing_keys(algorithm, MIN_RSA_KEY_BITS)

    with override_settings(
        SIMPLE_JWT=settings.SIMPLE_JWT | {"ALGORITHM": algorithm} | keys
    ):
        assert check_jwt_configuration() == []


def test_a_fresh_checkout_loads_its_settings_and_check_names_generate_jwt_keys():
    result = run_python(
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check'])",
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DJANGO_SECRET_KEY="a-secret-key-for-this-check-only",
        **dict.fromkeys(KEY_VARIABLES, ""),
    )

    assert result.returncode != 0
    assert "jwt_auth.E002" in result.stderr
    assert "python manage.py generate_jwt_keys" in result.stderr
