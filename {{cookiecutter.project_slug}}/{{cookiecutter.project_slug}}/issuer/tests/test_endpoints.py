"""The JWT flow of the service, endpoint by endpoint."""

import pytest

from tests.helpers import LOGIN_FIELD, authorization_header, credentials

pytestmark = pytest.mark.django_db

PROJECT_NAME = "{{ cookiecutter.project_name }}"


def test_hello_without_token_is_refused_with_drf_message(api_client):
    response = api_client.get("/api/")

    assert response.status_code == 401
    assert response.json() == {
        "detail": "Authentication credentials were not provided."
    }


def test_hello_with_access_token_greets(api_client, authorization):
    response = api_client.get("/api/", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 200
    assert response.json() == {"message": f"Hello, {PROJECT_NAME}"}


def test_obtain_returns_access_and_refresh_tokens(tokens):
    assert set(tokens) == {"access", "refresh"}


def test_obtain_with_wrong_password_is_refused(api_client, user):
    response = api_client.post("/api/token/", credentials(user, "wrong"), format="json")

    assert response.status_code == 401
    assert "access" not in response.json()


def test_obtain_without_credentials_names_missing_fields(api_client):
    response = api_client.post("/api/token/", {}, format="json")

    assert response.status_code == 400
    assert set(response.json()) == {LOGIN_FIELD, "password"}


def test_refresh_returns_a_working_access_token(api_client, tokens):
    response = api_client.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert response.status_code == 200
    access = response.json()["access"]
    hello = api_client.get("/api/", HTTP_AUTHORIZATION=authorization_header(access))
    assert hello.status_code == 200


def test_refresh_with_garbage_is_refused(api_client):
    response = api_client.post(
        "/api/token/refresh/", {"refresh": "garbage"}, format="json"
    )

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_verify_accepts_a_valid_access_token(api_client, tokens):
    response = api_client.post(
        "/api/token/verify/", {"token": tokens["access"]}, format="json"
    )

    assert response.status_code == 200


def test_verify_refuses_a_refresh_token_as_api_does(api_client, tokens):
    # Verify says yes only to what /api/ accepts: an access token.
    verified = api_client.post(
        "/api/token/verify/", {"token": tokens["refresh"]}, format="json"
    )
    hello = api_client.get(
        "/api/", HTTP_AUTHORIZATION=authorization_header(tokens["refresh"])
    )

    assert verified.status_code == 401
    assert hello.status_code == 401


def test_verify_refuses_a_tampered_token(api_client, tokens):
    tampered = tokens["access"][:-2] + ("AA" if tokens["access"][-2:] != "AA" else "BB")

    response = api_client.post("/api/token/verify/", {"token": tampered}, format="json")

    assert response.status_code == 401


def test_me_returns_the_token_owner(api_client, authorization, user):
    response = api_client.get("/api/me/", HTTP_AUTHORIZATION=authorization)

    assert response.status_code == 200
    # The id as the access token's sub carries it: a string.
    assert response.json()["id"] == str(user.pk)
    assert response.json()[LOGIN_FIELD] == user.get_username()
    assert response.json()["email"] == user.email
    assert "password" not in response.json()


def test_me_without_token_is_refused(api_client):
    assert api_client.get("/api/me/").status_code == 401


def test_health_needs_no_token(api_client):
    response = api_client.get("/api/health/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
