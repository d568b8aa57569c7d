"""The token endpoints in the OpenAPI schema: what they take, and what they answer."""

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.users.models import User

from tests.helpers import (
    authorization_header,
    credentials,
    documented_body,
    resolve,
    undocumented,
)


def request_body(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """Return the request body schema of ``POST path``; fail unless it is JSON only."""
    content = schema["paths"][path]["post"]["requestBody"]["content"]
    assert list(content) == ["application/json"], path
    return resolve(schema, content["application/json"]["schema"])


# The client credentials grant takes RFC 6749's form encoding too
# (service_clients/tests/test_client_credentials.py).
GRANT_PATH = "/api/token/client/"


def token_paths(schema: dict[str, Any]) -> list[str]:
    return [
        path
        for path in schema["paths"]
        if path.startswith("/api/token/") and path != GRANT_PATH
    ]


def test_token_endpoints_take_json_only_and_refuse_empty_strings(schema):
    bodies = [
        (path, request_body(schema, path))
        for path in token_paths(schema)
        if "requestBody" in schema["paths"][path]["post"]
    ]

    assert bodies
    for path, body in bodies:
        for name, field in body["properties"].items():
            assert field.get("minLength") == 1, (path, name)


def test_obtain_documents_the_credentials_it_takes(schema):
    body = request_body(schema, "/api/token/")

    assert set(body["properties"]) == {get_user_model().USERNAME_FIELD, "password"}
    assert set(body["required"]) == set(body["properties"])


def test_a_form_body_is_refused_as_not_json(user: User) -> None:
    response = APIClient().post(
        "/api/token/",
        credentials(user),
        format="multipart",
    )

    assert response.status_code == 415
    assert set(response.json()) == {"detail"}


def test_each_token_endpoint_answers_the_body_it_documents(schema, user: User) -> None:
    # The cookie transport's client keeps the refresh cookie; without
    # enforce_csrf_checks Django's test client passes the CSRF check.
    client = APIClient()
    obtained = client.post("/api/token/", credentials(user))
    assert obtained.status_code == 200
    body = obtained.json()
    access = body["access"]
    refresh = {"refresh": body["refresh"]} if "refresh" in body else {}
    answers = {
        "/api/token/": obtained,
        "/api/token/verify/": client.post("/api/token/verify/", {"token": access}),
        "/api/token/refresh/": client.post("/api/token/refresh/", refresh),
    }
    if "/api/token/blacklist/" in schema["paths"]:
        refreshed = answers["/api/token/refresh/"].json()
        refresh = (
            {"refresh": refreshed["refresh"]} if "refresh" in refreshed else refresh
        )
        answers["/api/token/blacklist/"] = client.post("/api/token/blacklist/", refresh)

    for path, response in answers.items():
        assert response.status_code == 200, (path, response.content)
        documented = documented_body(schema, path, "post", 200)
        assert undocumented(schema, documented, response.json()) == [], path


@pytest.mark.parametrize("status", [400, 401, 405, 406, 413, 415, 429, 503])
def test_obtain_documents_each_error_with_a_json_body(schema, status: int) -> None:
    documented = documented_body(schema, "/api/token/", "post", status)

    assert documented.get("type") == "object"


def test_throttled_answers_document_retry_after(schema) -> None:
    responses = schema["paths"]["/api/token/"]["post"]["responses"]

    for status in ("429", "503"):
        assert responses[status]["headers"]["Retry-After"]["required"] is True


def test_me_answers_what_the_schema_documents(
    schema, api_client: APIClient, tokens: dict[str, str]
) -> None:
    response = api_client.get(
        "/api/me/", HTTP_AUTHORIZATION=authorization_header(tokens["access"])
    )

    assert response.status_code == 200
    documented = documented_body(schema, "/api/me/", "get", 200)
    assert undocumented(schema, documented, response.json()) == []
