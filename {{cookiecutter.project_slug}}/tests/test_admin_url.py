"""Production may move the admin or leave it out (DJANGO_ADMIN_URL)."""

import importlib

import pytest
from django.urls import clear_url_caches

from config import urls


@pytest.fixture
def admin_url(settings):
    """Serve the URLs with ``settings.ADMIN_URL`` set to the value given."""
    default = settings.ADMIN_URL

    def serve_admin_at(value):
        settings.ADMIN_URL = value
        importlib.reload(urls)
        clear_url_caches()

    yield serve_admin_at
    serve_admin_at(default)


def test_the_admin_can_move(client, admin_url):
    admin_url("staff-only/")

    assert client.get("/staff-only/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 404


def test_an_empty_admin_url_removes_the_admin(client, admin_url):
    admin_url("")

    assert client.get("/admin/login/").status_code == 404
    assert client.get("/api/health/").status_code == 200
