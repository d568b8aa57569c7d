"""A verifier authorizes with the roles and scopes of the issuer's tokens."""

import time

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_auth.service_clients import REVOKED_KEY
from {{ cookiecutter.project_slug }}.jwt_auth.tests.protected_views import URLS
from {{ cookiecutter.project_slug }}.jwt_auth.workers import clear_worker_caches

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


def service_token(issuer: Issuer, scope: str = "orders:read") -> str:
    return issuer.token(sub="client:abc123", client_id="abc123", scope=scope)


@pytest.mark.django_db
def test_a_service_token_is_a_service_client_here_never_a_user(
    api_client: APIClient, issuer: Issuer
) -> None:
    response = get(api_client, service_token(issuer))

    assert response.status_code == 403
    assert response.json()["code"] == "not_a_user"


@pytest.mark.urls(URLS)
def test_a_service_token_opens_the_views_of_its_scopes_only(
    api_client: APIClient, issuer: Issuer
) -> None:
    token = service_token(issuer)

    assert get(api_client, token, "/orders/").status_code == 200
    refused = get(api_client, token, "/orders/write/")
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused["WWW-Authenticate"]


@pytest.mark.urls(URLS)
def test_a_client_the_issuer_revoked_in_the_shared_cache_is_refused(
    api_client: APIClient, issuer: Issuer
) -> None:
    token = service_token(issuer)
    assert get(api_client, token, "/orders/").status_code == 200

    cache.set(REVOKED_KEY, {"abc123": time.time() + 300})
    clear_worker_caches()  # As a worker whose next poll is due.

    assert get(api_client, token, "/orders/").status_code == 401


@pytest.mark.parametrize(
    "changes",
    [
        {"client_id": "other", "scope": "orders:read"},
        {"scope": "orders:read"},
        {"sub": "client:", "client_id": "", "scope": "orders:read"},
    ],
    ids=["another client", "no client_id", "empty id"],
)
@pytest.mark.urls(URLS)
def test_a_service_token_that_does_not_name_its_client_is_refused(
    api_client: APIClient, issuer: Issuer, changes: dict
) -> None:
    token = issuer.token(**{"sub": "client:abc123"} | changes)

    assert get(api_client, token, "/orders/").status_code == 401
