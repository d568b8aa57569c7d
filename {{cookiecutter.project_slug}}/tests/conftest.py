import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from .helpers import PASSWORD, authorization_header


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(
        username="alice", email="alice@example.com", password=PASSWORD
    )


@pytest.fixture
def tokens(api_client, user):
    """An access and refresh token pair for ``user``, from the obtain endpoint."""
    response = api_client.post(
        "/api/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


@pytest.fixture
def authorization(tokens):
    """The Authorization header value that carries the access token."""
    return authorization_header(tokens["access"])
