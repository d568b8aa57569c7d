"""The cookie transport: the refresh token in an HttpOnly cookie, CSRF, CORS.

These tests use a client that checks CSRF, as requests of a browser are
checked (the rest of the suite runs through ``helpers.BodyTokensClient``).
"""

import json
import os
import subprocess
import sys
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings

from tests.helpers import PASSWORD, authorization_header

pytestmark = pytest.mark.django_db

APP_ORIGIN = "https://app.example.com"
OTHER_ORIGIN = "https://evil.example.net"
# The settings of config.settings.production that shape cookies and CORS.
PRODUCTION_SETTINGS = (
    "REFRESH_COOKIE_NAME",
    "REFRESH_COOKIE_SAMESITE",
    "REFRESH_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "CORS_ALLOWED_ORIGINS",
    "CORS_ALLOW_CREDENTIALS",
    "CSRF_TRUSTED_ORIGINS",
)


@pytest.fixture(scope="module")
def production_settings():
    """Return the cookie and CORS settings of production, with the app's origin allowed.

    Read in a process of their own: production settings read the environment
    and stop without their variables.
    """
    code = (
        "import json, sys\n"
        "from django.conf import settings\n"
        "print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}))"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "a-secret-key-for-this-check-only",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        "DJANGO_CORS_ALLOWED_ORIGINS": APP_ORIGIN,
    }
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed program
        [sys.executable, "-c", code, *PRODUCTION_SETTINGS],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def production(production_settings):
    with override_settings(**production_settings):
        yield


@pytest.fixture
def browser():
    """A client whose requests are checked for CSRF, as a browser's are."""
    return APIClient(enforce_csrf_checks=True)


@pytest.fixture
def logged_in(browser, user):
    """The browser after logging in: it holds the refresh and CSRF cookies."""
    response = log_in(browser, user)
    assert response.status_code == 200, response.content
    return browser


@pytest.fixture
def rotation(monkeypatch):
    monkeypatch.setattr(api_settings, "ROTATE_REFRESH_TOKENS", True)
    monkeypatch.setattr(api_settings, "BLACKLIST_AFTER_ROTATION", True)


def log_in(client, user, **extra):
    return client.post(
        "/api/token/",
        {"username": user.username, "password": PASSWORD},
        format="json",
        **extra,
    )


def csrf_token(client):
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def refresh_cookie(client):
    return client.cookies[settings.REFRESH_COOKIE_NAME].value


def post_with_csrf(client, path, **extra):
    return client.post(path, HTTP_X_CSRFTOKEN=csrf_token(client), **extra)


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


def assert_refused_without_cookies(response, status_code):
    assert response.status_code == status_code, response.content
    assert response["Content-Type"] == "application/json"
    assert settings.REFRESH_COOKIE_NAME not in response.cookies
    assert settings.CSRF_COOKIE_NAME not in response.cookies


# What a page of another site can post without a CORS preflight.
FORM_CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    MULTIPART_CONTENT,
    "text/plain",
]


def form_bodies(credentials):
    """Return the bodies a page of another site can post without CORS, by type."""
    return {
        "application/x-www-form-urlencoded": urlencode(credentials),
        MULTIPART_CONTENT: encode_multipart(BOUNDARY, credentials),
        "text/plain": json.dumps(credentials),
    }


# A page of another site that posts the attacker's credentials, so that the
# victim's browser keeps the attacker's refresh cookie (login CSRF).
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("content_type", FORM_CONTENT_TYPES)
def test_a_login_form_on_another_site_is_refused(browser, user, content_type):
    credentials = {"username": user.username, "password": PASSWORD}
    body = form_bodies(credentials)[content_type]

    response = browser.generic(
        "POST", "/api/token/", body, content_type, HTTP_ORIGIN=OTHER_ORIGIN
    )

    assert_refused_without_cookies(response, 403)


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("origin", [OTHER_ORIGIN, "null", "http://testserver:8000"])
def test_a_json_login_from_an_untrusted_origin_is_refused(browser, user, origin):
    response = log_in(browser, user, HTTP_ORIGIN=origin)

    assert_refused_without_cookies(response, 403)


@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("origin", [APP_ORIGIN, "https://testserver"])
def test_a_login_from_the_app_or_this_site_is_accepted(browser, user, origin):
    response = log_in(browser, user, HTTP_ORIGIN=origin, secure=True)

    assert response.status_code == 200, response.content
    assert settings.REFRESH_COOKIE_NAME in response.cookies


@pytest.mark.parametrize("content_type", FORM_CONTENT_TYPES)
def test_obtain_takes_json_only(browser, user, content_type):
    credentials = {"username": user.username, "password": PASSWORD}
    body = form_bodies(credentials)[content_type]

    response = browser.generic("POST", "/api/token/", body, content_type)

    assert_refused_without_cookies(response, 415)


def test_obtain_sets_a_csrf_cookie_scripts_can_read(browser, user):
    response = log_in(browser, user)

    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value
    assert not cookie["httponly"]


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


# The access token, CORS --------------------------------------------------------------


def test_requests_with_the_authorization_header_need_no_csrf_token(browser, user):
    access = log_in(browser, user).json()["access"]

    response = browser.get("/api/me/", HTTP_AUTHORIZATION=authorization_header(access))

    assert response.status_code == 200


def test_the_csrf_trusted_origins_are_the_cors_allowed_origins(production_settings):
    assert production_settings["CORS_ALLOWED_ORIGINS"] == [APP_ORIGIN]
    assert production_settings["CSRF_TRUSTED_ORIGINS"] == [APP_ORIGIN]
    assert production_settings["CORS_ALLOW_CREDENTIALS"] is True


def test_same_origin_only_by_default():
    assert settings.CORS_ALLOWED_ORIGINS == settings.CSRF_TRUSTED_ORIGINS == []


def preflight(client, origin):
    return client.options(
        "/api/token/refresh/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type, x-csrftoken",
    )


@pytest.mark.usefixtures("production")
def test_a_preflight_from_an_allowed_origin_may_send_credentials(browser):
    response = preflight(browser, APP_ORIGIN)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == APP_ORIGIN
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


@pytest.mark.usefixtures("production")
def test_a_preflight_from_another_origin_gets_no_cors_headers(browser):
    response = preflight(browser, OTHER_ORIGIN)

    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.usefixtures("production")
def test_a_refresh_from_an_allowed_origin_passes_the_csrf_origin_check(logged_in):
    response = post_with_csrf(logged_in, "/api/token/refresh/", HTTP_ORIGIN=APP_ORIGIN)

    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == APP_ORIGIN


@pytest.mark.usefixtures("production")
def test_a_refresh_from_another_origin_is_refused_even_with_the_csrf_token(
    logged_in,
):
    response = post_with_csrf(
        logged_in, "/api/token/refresh/", HTTP_ORIGIN=OTHER_ORIGIN
    )

    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response


def test_the_schema_documents_the_refresh_cookie_and_the_csrf_header(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()

    schemes = schema["components"]["securitySchemes"]
    assert schemes["refreshCookie"]["in"] == "cookie"
    assert schemes["refreshCookie"]["name"] == settings.REFRESH_COOKIE_NAME
    assert schemes["csrfToken"]["in"] == "header"
    assert schemes["csrfToken"]["name"].lower() == "x-csrftoken"
    for path in ("/api/token/refresh/", "/api/token/blacklist/"):
        operation = schema["paths"][path]["post"]
        assert operation["security"] == [{"refreshCookie": [], "csrfToken": []}]
        assert "requestBody" not in operation
        assert {"200", "401", "403"} <= set(operation["responses"])
    obtained = schema["paths"]["/api/token/"]["post"]["responses"]["200"]
    name = obtained["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][name]["properties"]) == {"access"}
