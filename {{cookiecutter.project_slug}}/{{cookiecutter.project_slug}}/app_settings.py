"""The settings an app reads, each named once with its default, read through one object.

The pattern of DRF's and simplejwt's ``api_settings``: an app lists the
settings it reads in its ``conf.py``, and reads them as attributes of one
``AppSettings`` object, never with ``getattr(settings, ...)`` and a local
default. A setting ``config/settings/base.py`` always sets (from its
environment variable, whose default is written there) is listed as
``REQUIRED``; the others carry their default here. A value is read from
Django's settings once, then kept until Django's ``setting_changed`` says
it changed (``override_settings`` and pytest-django's ``settings`` send it):
reading Django's lazy settings object costs more than a request's use of it.
"""

import weakref
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed

REQUIRED = object()


class AppSettings:
    """Attribute access to the settings ``defaults`` names."""

    def __init__(self, defaults: Mapping[str, object]) -> None:
        self._defaults = dict(defaults)
        _instances.add(self)

    def __getattr__(self, name: str) -> Any:
        try:
            default = self._defaults[name]
        except KeyError:
            raise AttributeError(name) from None
        if default is REQUIRED:
            value = getattr(settings, name)
        else:
            value = getattr(settings, name, default)
        # Found as an ordinary attribute from now on: __getattr__ is not called.
        setattr(self, name, value)
        return value

    def forget(self, name: str) -> None:
        """Read ``name`` from Django's settings again at its next use."""
        self.__dict__.pop(name, None)


_instances: "weakref.WeakSet[AppSettings]" = weakref.WeakSet()


def _forget_changed_setting(*, setting: str, **kwargs: object) -> None:
    for app_settings in _instances:
        app_settings.forget(setting)


setting_changed.connect(_forget_changed_setting, dispatch_uid="app_settings")
