"""The seed article's curl flow, against baked projects served by gunicorn."""

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.serving import http, served

FLOWS = {
    "default": {},
    "rs256-jwt-header": {"jwt_algorithm": "RS256", "auth_header_types": "JWT,Bearer"},
    "eddsa-rotation": {
        "jwt_algorithm": "EdDSA",
        "rotate_refresh_tokens": "yes",
        "blacklist_after_rotation": "yes",
    },
    "postgresql": {"database": "postgresql", "project_name": "Billing API"},
}


@pytest.fixture(
    params=[pytest.param(name, marks=pytest.mark.xdist_group(name)) for name in FLOWS]
)
def served_project(request, bake):
    answers = FLOWS[request.param]
    project = bake(**answers).project_path
    with served(project) as base_url:
        yield base_url, answers


def test_the_article_curl_flow(served_project):
    base_url, answers = served_project
    header_type = answers.get("auth_header_types", "Bearer").split(",")[0]
    project_name = answers.get("project_name", "My Service")

    status, _, body = http("GET", f"{base_url}/api/")
    assert (status, body) == (
        401,
        {"detail": "Authentication credentials were not provided."},
    )

    status, _, tokens = http(
        "POST",
        f"{base_url}/api/token/",
        {"username": "admin", "password": SUPERUSER_PASSWORD},
    )
    assert status == 200
    assert set(tokens) == {"access", "refresh"}

    authorization = {"Authorization": f"{header_type} {tokens['access']}"}
    status, _, body = http("GET", f"{base_url}/api/", headers=authorization)
    assert (status, body) == (200, {"message": f"Hello, {project_name}"})

    status, _, refreshed = http(
        "POST", f"{base_url}/api/token/refresh/", {"refresh": tokens["refresh"]}
    )
    assert status == 200
    assert refreshed["access"] != tokens["access"]
    status, _, body = http(
        "GET",
        f"{base_url}/api/me/",
        headers={"Authorization": f"{header_type} {refreshed['access']}"},
    )
    assert status == 200
    assert body["username"] == "admin"


def test_wrong_password_is_refused_over_http(served_project):
    base_url, _ = served_project

    status, _, body = http(
        "POST", f"{base_url}/api/token/", {"username": "admin", "password": "wrong"}
    )

    assert (status, body) == (
        401,
        {"detail": "No active account found with the given credentials"},
    )
