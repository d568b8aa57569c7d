"""HasRole, HasAnyRole, HasScope: the token decides, the same way on issuer and verifier."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.jwt_auth.permissions import HasRole

from .protected_views import URLS

pytestmark = pytest.mark.urls(URLS)

# A caller and its token's claims, as the view sees them (request.user, request.auth).
CALLER: Any = SimpleNamespace(is_authenticated=True)


def call(path: str, claims: dict[str, Any] | None) -> Any:
    """Return the answer of the view at ``path`` to a caller whose token has ``claims``."""
    request = APIRequestFactory().get(path)
    if claims is not None:
        token: Any = claims
        force_authenticate(request, user=CALLER, token=token)
    response = resolve(path).func(request)
    response.render()
    return response


@pytest.mark.parametrize(
    ("path", "claims"),
    [
        ("/editors/", {"roles": ["editor"]}),
        ("/editors-and-auditors/", {"roles": ["auditor", "editor", "other"]}),
        ("/staff/", {"roles": ["admin"]}),
        ("/orders/", {"scope": "orders:read"}),
        ("/orders/write/", {"scope": "orders:write orders:read"}),
    ],
)
def test_a_token_with_what_the_view_needs_gets_in(path, claims):
    assert call(path, claims).status_code == 200


@pytest.mark.parametrize(
    ("path", "claims"),
    [
        ("/editors/", {}),
        ("/editors/", {"roles": ["reader"]}),
        ("/editors/", {"roles": "editor"}),
        ("/editors-and-auditors/", {"roles": ["editor"]}),
        ("/staff/", {"roles": ["reader"]}),
        ("/editors/", {"scope": "editor"}),
    ],
)
def test_a_token_without_the_role_is_refused_with_403(path, claims):
    response = call(path, claims)

    assert response.status_code == 403
    assert response.data["code"] == "insufficient_role"
    assert "WWW-Authenticate" not in response


@pytest.mark.parametrize(
    ("path", "claims"),
    [
        ("/orders/", {}),
        ("/orders/", {"scope": "orders:write"}),
        ("/orders/", {"scope": "orders:reader"}),
        ("/orders/write/", {"scope": "orders:read"}),
        ("/orders/", {"roles": ["orders:read"]}),
    ],
)
def test_a_token_without_the_scope_is_refused_with_insufficient_scope(path, claims):
    response = call(path, claims)

    assert response.status_code == 403
    assert response.data["code"] == "insufficient_scope"
    challenge = response["WWW-Authenticate"]
    scheme = api_settings.AUTH_HEADER_TYPES[0]
    assert challenge.startswith(f'{scheme} error="insufficient_scope", scope="orders:')


@pytest.mark.parametrize("path", ["/editors/", "/staff/", "/orders/"])
def test_a_request_without_a_token_gets_401(path):
    assert call(path, None).status_code == 401


def test_a_permission_names_what_it_needs():
    with pytest.raises(ValueError, match="needs at least one name"):
        HasRole()


def test_the_schema_names_what_each_protected_view_needs():
    schema = SchemaGenerator(urlconf=URLS).get_schema(request=None, public=True)
    needs = {
        path: item["get"].get("x-token-requirements")
        for path, item in schema["paths"].items()
    }

    assert needs == {
        "/editors/": ["roles: editor"],
        "/editors-and-auditors/": ["roles: editor and auditor"],
        "/staff/": ["roles: editor or admin"],
        "/orders/": ["scope: orders:read"],
        "/orders/write/": ["scope: orders:read and orders:write"],
    }
    orders = schema["paths"]["/orders/"]["get"]
    assert "Needs an access token with scope: orders:read." in orders["description"]
    assert "403" in orders["responses"]
