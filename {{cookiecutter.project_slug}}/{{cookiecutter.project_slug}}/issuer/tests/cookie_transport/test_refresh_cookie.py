"""The cookie transport: the refresh token in an HttpOnly cookie, sent with a CSRF token.

The clients and settings are in ``conftest.py``; CSRF and CORS at login and
across origins are ``test_csrf_and_cors.py``.
"""

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings

from .browsers import (
    log_in,
    post_with_csrf,
    refresh_cookie,
)
{%- if cookiecutter.mfa == "totp" %}
from tests.helpers import authorization_header, documented_body, resolve
{%- else %}
from tests.helpers import authorization_header
{%- endif %}

pytestmark = pytest.mark.django_db


# Obtain ------------------------------------------------------------------------------


def test_obtain_answers_the_access_token_only_and_sets_the_refresh_cookie(
    browser, user
):
    response = log_in(browser, user)

    assert response.status_code == 200
    assert set(response.json()) == {"access"}
    cookie = response.cookies[settings.REFRESH_COOKIE_NAME]
    assert cookie.value.count(".") == 2
    assert cookie["httponly"] is True
    assert cookie["path"] == "/api/token/"
    assert cookie["samesite"] == settings.REFRESH_COOKIE_SAMESITE == "Strict"
    lifetime = api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()
    assert cookie["max-age"] == int(lifetime)


@pytest.mark.usefixtures("production")
def test_under_production_settings_both_cookies_are_secure(browser, user):
    response = log_in(browser, user)

    refresh = response.cookies[settings.REFRESH_COOKIE_NAME]
    assert refresh["secure"] is True
    assert refresh["httponly"] is True
    assert refresh["samesite"] == "Strict"
    assert refresh["path"] == "/api/token/"
    lifetime = api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()
    assert refresh["max-age"] == int(lifetime)
    assert response.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True


# Refresh -----------------------------------------------------------------------------


def test_refresh_reads_the_cookie_and_answers_a_working_access_token(logged_in):
    response = post_with_csrf(logged_in, "/api/token/refresh/")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access"}
    me = logged_in.get(
        "/api/me/", HTTP_AUTHORIZATION=authorization_header(response.json()["access"])
    )
    assert me.status_code == 200


def test_refresh_with_the_cookie_but_without_csrf_token_is_refused(logged_in):
    response = logged_in.post("/api/token/refresh/")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_refresh_with_a_wrong_csrf_token_is_refused(logged_in):
    response = logged_in.post("/api/token/refresh/", HTTP_X_CSRFTOKEN="x" * 32)

    assert response.status_code == 403


def test_refresh_without_the_cookie_is_refused(browser):
    response = browser.post("/api/token/refresh/")

    assert response.status_code == 401


def test_a_refresh_token_in_the_body_is_not_accepted(browser, logged_in):
    token = refresh_cookie(logged_in)
    client = APIClient(enforce_csrf_checks=True)

    response = client.post("/api/token/refresh/", {"refresh": token}, format="json")

    assert response.status_code == 401


@pytest.mark.usefixtures("rotation")
def test_rotation_replaces_the_cookie_and_refuses_the_old_token(logged_in, settings):
    # Without the sessions' grace for a client retrying its own refresh.
    settings.JWT_REFRESH_GRACE_SECONDS = 0
    old = refresh_cookie(logged_in)

    response = post_with_csrf(logged_in, "/api/token/refresh/")

    assert response.status_code == 200, response.content
    assert set(response.json()) == {"access"}
    new = response.cookies[settings.REFRESH_COOKIE_NAME]
    assert new.value not in {"", old}
    assert new["httponly"] is True
    assert new["path"] == "/api/token/"
    logged_in.cookies[settings.REFRESH_COOKIE_NAME] = old
    assert post_with_csrf(logged_in, "/api/token/refresh/").status_code == 401


def test_without_rotation_refresh_keeps_the_cookie(logged_in, monkeypatch):
    monkeypatch.setattr(api_settings, "ROTATE_REFRESH_TOKENS", False)

    response = post_with_csrf(logged_in, "/api/token/refresh/")

    assert response.status_code == 200
    assert settings.REFRESH_COOKIE_NAME not in response.cookies


# Logout ------------------------------------------------------------------------------


def test_logout_blacklists_the_token_and_clears_the_cookie(logged_in):
    token = refresh_cookie(logged_in)

    response = post_with_csrf(logged_in, "/api/token/blacklist/")

    assert response.status_code == 200, response.content
    cleared = response.cookies[settings.REFRESH_COOKIE_NAME]
    assert cleared.value == ""
    assert cleared["max-age"] == 0
    assert cleared["path"] == "/api/token/"
    logged_in.cookies[settings.REFRESH_COOKIE_NAME] = token
    assert post_with_csrf(logged_in, "/api/token/refresh/").status_code == 401


def test_logout_without_csrf_token_is_refused_and_keeps_the_session(logged_in):
    response = logged_in.post("/api/token/blacklist/")

    assert response.status_code == 403
    assert settings.REFRESH_COOKIE_NAME not in response.cookies
    assert post_with_csrf(logged_in, "/api/token/refresh/").status_code == 200


def test_logout_with_a_used_token_still_clears_the_cookie(logged_in):
    token = refresh_cookie(logged_in)
    post_with_csrf(logged_in, "/api/token/blacklist/")
    logged_in.cookies[settings.REFRESH_COOKIE_NAME] = token

    response = post_with_csrf(logged_in, "/api/token/blacklist/")

    assert response.status_code == 401
    assert response.cookies[settings.REFRESH_COOKIE_NAME].value == ""


def test_the_schema_documents_both_cookies_and_the_csrf_header(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["refreshCookie"]["in"] == "cookie"
    assert schemes["refreshCookie"]["name"] == settings.REFRESH_COOKIE_NAME
    assert schemes["csrfCookie"]["in"] == "cookie"
    assert schemes["csrfCookie"]["name"] == settings.CSRF_COOKIE_NAME
    assert schemes["csrfToken"]["in"] == "header"
    assert schemes["csrfToken"]["name"].lower() == "x-csrftoken"
    assert "Origin" in schemes["csrfToken"]["description"]
    for path in ("/api/token/refresh/", "/api/token/blacklist/"):
        operation = schema["paths"][path]["post"]
        assert operation["security"] == [
            {"refreshCookie": [], "csrfCookie": [], "csrfToken": []}
        ]
        assert "requestBody" not in operation
        assert {"200", "401", "403"} <= set(operation["responses"])
        assert "Referer" in operation["description"]
{%- if cookiecutter.mfa == "totp" %}
    # The tokens, or an mfa_token: mfa/tests/test_openapi.py.
    tokens, _challenge = documented_body(schema, "/api/token/", "post", 200)["oneOf"]
    assert set(resolve(schema, tokens)["properties"]) == {"access"}
{%- else %}
    obtained = schema["paths"]["/api/token/"]["post"]["responses"]["200"]
    name = obtained["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"access"}
{%- endif %}
