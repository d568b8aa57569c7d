"""The system check of the cookie transport's settings (``issuer/cookies.py``)."""

from collections.abc import Sequence

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

# The SameSite values browsers know (RFC 6265bis, section 4.1.2.7).
SAMESITE_VALUES = ("Strict", "Lax", "None")


def check_refresh_cookie(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return an Error unless the refresh cookie's SameSite is one browsers honour.

    ``None`` sends the cookie with requests other sites make too: browsers
    accept it only on a Secure cookie (HTTPS, production settings).
    """
    samesite = settings.REFRESH_COOKIE_SAMESITE
    if samesite not in SAMESITE_VALUES:
        message = (
            f"DJANGO_REFRESH_COOKIE_SAMESITE is {samesite!r}: browsers know "
            "Strict, Lax and None only."
        )
    elif samesite == "None" and not settings.REFRESH_COOKIE_SECURE:
        message = (
            "DJANGO_REFRESH_COOKIE_SAMESITE is None on a cookie that is not "
            "Secure: browsers refuse such a cookie."
        )
    else:
        return []
    return [
        checks.Error(
            message,
            hint="Set DJANGO_REFRESH_COOKIE_SAMESITE to Strict (the default) or "
            "Lax; None only with HTTPS (the production settings).",
            obj="REFRESH_COOKIE_SAMESITE",
            id="issuer.E001",
        )
    ]
