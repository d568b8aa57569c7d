"""Requests to the obtain endpoint, and what a throttled answer looks like."""

from tests.helpers import LOGIN_FIELD, WRONG_PASSWORD


def obtain(api_client, username, password=WRONG_PASSWORD, **extra):
    return api_client.post(
        "/api/token/",
        {LOGIN_FIELD: username, "password": password},
        format="json",
        **extra,
    )


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert 0 < int(response["Retry-After"]) <= 24 * 60 * 60
    assert response.json()["detail"].startswith("Request was throttled.")
