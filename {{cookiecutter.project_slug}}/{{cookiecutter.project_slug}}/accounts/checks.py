"""System checks of the accounts app."""

from typing import Any
from urllib.parse import urlsplit

from django.core import checks

from .conf import accounts_settings


def check_frontend_url_is_https(**kwargs: Any) -> list[checks.CheckMessage]:
    """Links to reset a password must not travel over plain http in production."""
    url = str(accounts_settings.ACCOUNT_FRONTEND_URL)
    if urlsplit(url).scheme == "https":
        return []
    return [
        checks.Error(
            f"ACCOUNT_FRONTEND_URL is {url!r}: emailed reset and verification "
            "links would carry their tokens over plain http.",
            hint="Set ACCOUNT_FRONTEND_URL to the https address of your front end.",
            id="accounts.E001",
        )
    ]
