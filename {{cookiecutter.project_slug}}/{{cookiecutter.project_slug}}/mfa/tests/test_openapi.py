"""The answers of ``POST /api/token/`` in the OpenAPI schema: tokens, or an mfa_token.

Logins use a plain client: the suite's ``api_client`` copies a refresh
cookie into the body it answers, which the cookie transport never serves.
"""

from typing import Any

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.users.models import User

from .two_factor import enrol, obtain
from tests.helpers import documented_body, resolve, undocumented

pytestmark = pytest.mark.django_db

TOKENS = "{{ 'AccessToken' if cookiecutter.token_transport == 'cookie' else 'TokenObtainPair' }}"


def documented_answers(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the schemas the 200 of ``POST /api/token/`` is one of, by component name."""
    documented = documented_body(schema, "/api/token/", "post", 200)
    return {
        each["$ref"].rsplit("/", 1)[1]: resolve(schema, each)
        for each in documented["oneOf"]
    }


def answered_as(schema: dict[str, Any], body: dict[str, Any]) -> list[str]:
    """Return the names of the documented answers that ``body`` is."""
    return [
        name
        for name, documented in documented_answers(schema).items()
        if undocumented(schema, documented, body) == []
    ]


def test_obtain_documents_tokens_or_an_mfa_challenge(schema) -> None:
    assert list(documented_answers(schema)) == [TOKENS, "MFAChallenge"]


def test_a_login_without_a_second_factor_answers_the_documented_tokens(
    schema, user: User
) -> None:
    response = obtain(APIClient(), user)

    assert response.status_code == 200
    assert answered_as(schema, response.json()) == [TOKENS]


def test_an_enrolled_user_gets_the_documented_mfa_challenge(
    schema, api_client: APIClient, user: User, tokens: dict[str, str]
) -> None:
    enrol(api_client, tokens["access"])

    response = obtain(APIClient(), user)

    assert response.status_code == 200
    assert answered_as(schema, response.json()) == ["MFAChallenge"]


def test_staff_without_a_device_get_the_documented_enrolment_challenge(
    schema, staff: User
) -> None:
    response = obtain(APIClient(), staff)

    assert response.status_code == 200
    assert response.json()["mfa_enrolment_required"] is True
    assert answered_as(schema, response.json()) == ["MFAChallenge"]
