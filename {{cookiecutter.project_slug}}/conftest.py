from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.jwt_auth.workers import clear_worker_caches
from {{ cookiecutter.project_slug }}.users.models import User

from tests.helpers import (
    OBTAIN_PER_CLIENT,
    OBTAIN_PER_USERNAME,
    REFRESH_PER_CLIENT,
{%- if cookiecutter.token_transport == "cookie" %}
    BodyTokensClient,
{%- endif %}
    authorization_header,
    create_user,
    credentials,
)


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
    return create_user("alice")


@pytest.fixture
def tokens(api_client: APIClient, user: User) -> dict[str, str]:
    """An access and refresh token pair for ``user``, from the obtain endpoint."""
    response = api_client.post("/api/token/", credentials(user), format="json")
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def authorization(tokens: dict[str, str]) -> str:
    """The Authorization header value that carries the access token."""
    return authorization_header(tokens["access"])


@pytest.fixture
def low_rates(settings: Any) -> Iterator[None]:
    """The throttles' rates, low enough for a test to reach: OBTAIN_PER_CLIENT and the others."""
    # A day-long window: a test never straddles two windows.
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {
            "token_obtain_per_client": f"{OBTAIN_PER_CLIENT}/day",
            "token_obtain_per_username": f"{OBTAIN_PER_USERNAME}/day",
            "token_refresh_per_client": f"{REFRESH_PER_CLIENT}/day",
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unreachable_cache(settings: Any) -> Iterator[None]:
    """A shared cache that cannot be reached: Redis on a port nobody listens on."""
    # Nothing listens on port 1: every connection is refused at once.
    reachable = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    yield
    settings.CACHES = reachable  # Before low_rates clears it.


@pytest.fixture
def staff(db: None) -> User:
    return create_user("boss", is_staff=True, is_superuser=True)


@pytest.fixture
def schema(api_client: APIClient) -> dict[str, Any]:
    """The OpenAPI schema the service serves at /api/schema/."""
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()
