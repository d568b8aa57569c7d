"""The deploy check of the emailed links' front end."""

import pytest

from {{ cookiecutter.project_slug }}.accounts.checks import check_frontend_url_is_https


@pytest.mark.parametrize(
    ("url", "errors"),
    [
        ("https://app.example.com", []),
        ("http://app.example.com", ["accounts.E001"]),
        ("app.example.com", ["accounts.E001"]),
    ],
)
def test_the_front_end_of_the_links_must_be_https(settings, url, errors):
    settings.ACCOUNT_FRONTEND_URL = url

    assert [error.id for error in check_frontend_url_is_https()] == errors
