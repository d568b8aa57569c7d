"""The cookie transport: CSRF at login (login CSRF) and on refresh, and CORS.

The clients and settings are in ``conftest.py``; the refresh cookie itself
is ``test_refresh_cookie.py``.
"""

import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from .browsers import (
    APP_ORIGIN,
    OTHER_ORIGIN,
    log_in,
    post_with_csrf,
)
from tests.helpers import authorization_header, credentials

pytestmark = pytest.mark.django_db


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


def form_bodies(fields):
    """Return the bodies a page of another site can post without CORS, by type."""
    return {
        "application/x-www-form-urlencoded": urlencode(fields),
        MULTIPART_CONTENT: encode_multipart(BOUNDARY, fields),
        "text/plain": json.dumps(fields),
    }


# A page of another site that posts the attacker's credentials, so that the
# victim's browser keeps the attacker's refresh cookie (login CSRF).
@pytest.mark.usefixtures("production")
@pytest.mark.parametrize("content_type", FORM_CONTENT_TYPES)
def test_a_login_form_on_another_site_is_refused(browser, user, content_type):
    body = form_bodies(credentials(user))[content_type]

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
    body = form_bodies(credentials(user))[content_type]

    response = browser.generic("POST", "/api/token/", body, content_type)

    assert_refused_without_cookies(response, 415)


def test_obtain_sets_a_csrf_cookie_scripts_can_read(browser, user):
    response = log_in(browser, user)

    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie.value
    assert not cookie["httponly"]


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


@pytest.mark.usefixtures("production")
def test_over_https_a_refresh_without_origin_or_referer_is_refused(logged_in):
    # What curl sends unless told: no Origin, no Referer (README's recipe adds one).
    response = post_with_csrf(logged_in, "/api/token/refresh/", secure=True)

    assert response.status_code == 403
    assert "Referer checking failed" in response.json()["detail"]


@pytest.mark.usefixtures("production")
def test_over_https_a_refresh_naming_this_site_as_origin_is_accepted(logged_in):
    response = post_with_csrf(
        logged_in, "/api/token/refresh/", secure=True, HTTP_ORIGIN="https://testserver"
    )

    assert response.status_code == 200, response.content
