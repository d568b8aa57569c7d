"""A verifier authorizes with the roles and scopes of the issuer's tokens."""

import pytest
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_auth.tests.protected_views import URLS

from .issuer_stand_in import Issuer, get

pytestmark = pytest.mark.usefixtures("issuer")


@pytest.mark.django_db
def test_me_answers_the_roles_and_scopes_of_the_token(
    api_client: APIClient, issuer: Issuer
) -> None:
    token = issuer.token(roles=["editor", "auditor"], scope="reports:read")

    response = get(api_client, token)

    assert response.status_code == 200, response.content
    assert response.json()["roles"] == ["auditor", "editor"]
    assert response.json()["scopes"] == ["reports:read"]


@pytest.mark.urls(URLS)
def test_a_role_of_the_token_opens_a_view_that_needs_it(
    api_client: APIClient, issuer: Issuer
) -> None:
    allowed = get(api_client, issuer.token(roles=["editor"]), "/editors/")
    assert allowed.status_code == 200
    refused = get(api_client, issuer.token(roles=["reader"]), "/editors/")
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_role"


@pytest.mark.parametrize("roles", ["editor", [1, 2], {"editor": True}])
@pytest.mark.urls(URLS)
def test_a_roles_claim_of_the_wrong_type_makes_the_token_invalid(
    api_client: APIClient, issuer: Issuer, roles: object
) -> None:
    assert get(api_client, issuer.token(roles=roles), "/editors/").status_code == 401
