"""The settings an app reads, each named once with its default, read through one object.

The pattern of DRF's and simplejwt's ``api_settings``: an app lists the
settings it reads in its ``conf.py``, and reads them as attributes of one
``AppSettings`` object, never with ``getattr(settings, ...)`` and a local
default. A setting ``config/settings/base.py`` always sets (from its
environment variable, whose default is written there) is listed as
``REQUIRED``; the others carry their default here. Values are read from
Django's settings at every access, so ``override_settings`` in tests and
Django's ``setting_changed`` need no reload.
"""

from collections.abc import Mapping
from typing import Any

from django.conf import settings

REQUIRED = object()


class AppSettings:
    """Attribute access to the settings ``defaults`` names."""

    def __init__(self, defaults: Mapping[str, object]) -> None:
        self._defaults = dict(defaults)

    def __getattr__(self, name: str) -> Any:
        try:
            default = self._defaults[name]
        except KeyError:
            raise AttributeError(name) from None
        if default is REQUIRED:
            return getattr(settings, name)
        return getattr(settings, name, default)
