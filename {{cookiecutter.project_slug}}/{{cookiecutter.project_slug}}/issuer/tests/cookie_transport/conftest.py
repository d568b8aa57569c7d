"""Clients that check CSRF, as requests of a browser are checked, and production's settings.

The rest of the suite runs through ``helpers.BodyTokensClient``.
"""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings

from .browsers import APP_ORIGIN, log_in

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
        "EMAIL_URL": "consolemail://",
        "ACCOUNT_FRONTEND_URL": APP_ORIGIN,
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
