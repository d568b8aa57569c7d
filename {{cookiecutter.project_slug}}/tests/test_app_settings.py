"""An app's settings object keeps what it read until Django says a setting changed."""

import pytest
from django.test import override_settings

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings


@pytest.fixture
def app_settings():
    return AppSettings({"DEBUG": REQUIRED, "UNSET_IN_SETTINGS": 7})


def test_values_follow_override_settings(app_settings):
    debug = app_settings.DEBUG
    assert app_settings.UNSET_IN_SETTINGS == 7

    with override_settings(DEBUG=not debug, UNSET_IN_SETTINGS=8):
        assert app_settings.DEBUG is not debug
        assert app_settings.UNSET_IN_SETTINGS == 8

    assert app_settings.DEBUG is debug
    assert app_settings.UNSET_IN_SETTINGS == 7


def test_values_follow_the_settings_fixture(app_settings, settings):
    debug = app_settings.DEBUG

    settings.DEBUG = not debug

    assert app_settings.DEBUG is not debug


def test_a_name_not_listed_is_no_setting(app_settings):
    with pytest.raises(AttributeError):
        app_settings.SECRET_KEY  # noqa: B018 - the lookup is what is tested
