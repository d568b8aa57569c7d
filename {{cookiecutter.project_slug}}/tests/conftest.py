from collections.abc import Iterator

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_auth.cache import clear_worker_caches
from {{ cookiecutter.project_slug }}.users.models import User

from .helpers import PASSWORD, {% if cookiecutter.token_transport == "cookie" %}BodyTokensClient, {% endif %}authorization_header


@pytest.fixture(autouse=True)
def empty_caches() -> Iterator[None]:
    """Start and end every test with nothing remembered.

    Tokens and users this process remembers (``jwt_auth/cache.py``), and the
    shared cache: throttle counters and the announcement of changed users.
    """
    clear_worker_caches()
    cache.clear()
    yield
    clear_worker_caches()
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
{%- if cookiecutter.token_transport == "cookie" %}
    # Refresh tokens in bodies, carried in the refresh cookie (see helpers.py).
    return BodyTokensClient()
{%- else %}
    return APIClient()
{%- endif %}


@pytest.fixture
def user(db: None) -> User:
    return get_user_model().objects.create_user(
        username="alice", email="alice@example.com", password=PASSWORD
    )


@pytest.fixture
def tokens(api_client: APIClient, user: User) -> dict[str, str]:
    """An access and refresh token pair for ``user``, from the obtain endpoint."""
    response = api_client.post(
        "/api/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def authorization(tokens: dict[str, str]) -> str:
    """The Authorization header value that carries the access token."""
    return authorization_header(tokens["access"])
