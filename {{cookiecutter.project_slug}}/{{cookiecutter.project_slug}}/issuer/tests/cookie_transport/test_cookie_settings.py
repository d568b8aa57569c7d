"""The cookie transport's environment variables, and the check of the SameSite value."""

import json

import pytest
from django.conf import settings
from django.test import override_settings

from {{ cookiecutter.project_slug }}.issuer.cookie_checks import check_refresh_cookie

from .browsers import log_in
from tests.helpers import run_python

READ_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.REFRESH_COOKIE_SAMESITE, settings.CSRF_COOKIE_DOMAIN]))"
)


def settings_read_with(**variables: str) -> list:
    result = run_python(
        READ_SETTINGS, DJANGO_SETTINGS_MODULE="config.settings.test", **variables
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_environment_sets_samesite_and_the_csrf_cookie_domain():
    assert settings_read_with(
        DJANGO_REFRESH_COOKIE_SAMESITE="Lax", DJANGO_CSRF_COOKIE_DOMAIN=".example.com"
    ) == ["Lax", ".example.com"]


def test_by_default_the_refresh_cookie_is_strict_and_the_csrf_cookie_host_only():
    assert settings.REFRESH_COOKIE_SAMESITE == "Strict"
    assert settings.CSRF_COOKIE_DOMAIN is None


@pytest.mark.parametrize(
    ("samesite", "secure"), [("Strict", False), ("Lax", False), ("None", True)]
)
def test_samesite_values_browsers_honour_pass_the_check(samesite, secure):
    with override_settings(
        REFRESH_COOKIE_SAMESITE=samesite, REFRESH_COOKIE_SECURE=secure
    ):
        assert check_refresh_cookie() == []


@pytest.mark.parametrize(
    ("samesite", "secure"), [("strict", True), ("Sometimes", True), ("None", False)]
)
def test_other_samesite_values_and_none_without_secure_stop_the_start(samesite, secure):
    with override_settings(
        REFRESH_COOKIE_SAMESITE=samesite, REFRESH_COOKIE_SECURE=secure
    ):
        (error,) = check_refresh_cookie()

    assert error.id == "issuer.E001"
    assert "DJANGO_REFRESH_COOKIE_SAMESITE" in error.msg


@pytest.mark.django_db
def test_the_csrf_cookie_is_set_for_the_configured_domain(browser, user):
    with override_settings(CSRF_COOKIE_DOMAIN=".example.com"):
        response = log_in(browser, user)

    assert response.status_code == 200
    assert response.cookies[settings.CSRF_COOKIE_NAME]["domain"] == ".example.com"
