"""What the system checks of the JWT setup share: the error, the algorithm's facts.

simplejwt reads its keys lazily, so a missing, short or mismatched key only
shows at the first login, as an HTTP 500 or as tokens nobody can verify. The
checks (``issuer/checks.py``, ``verifier/checks.py``) run before
``runserver``, ``migrate`` and ``check``, and when ``config/wsgi.py`` or
``config/asgi.py`` loads the application, so a broken setup stops the service
at start with a message that names the setting to fix.
"""

from urllib.parse import urlsplit

from django.core import checks
from rest_framework_simplejwt import settings as simplejwt_settings

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import ALGORITHMS, Algorithm


class JWTConfigurationError(Exception):
    """A JWT key setting that cannot work, with the check id that reports it."""

    def __init__(self, check_id: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.check_id = check_id
        self.message = message
        self.hint = hint


def supported_algorithm(name: str) -> Algorithm:
    """Return the facts of the algorithm ``name``; raise JWTConfigurationError if unknown."""
    if name not in ALGORITHMS:
        raise JWTConfigurationError(
            "jwt_auth.E001",
            f"SIMPLE_JWT['ALGORITHM'] is {name!r}, which this project does not support.",
            f"Use one of {', '.join(ALGORITHMS)}.",
        )
    return ALGORITHMS[name]


def as_bytes(key: str | bytes) -> bytes:
    return key.encode() if isinstance(key, str) else key


def https_url_error(
    name: str, url: str, check_id: str, why: str
) -> list[checks.CheckMessage]:
    """Return an Error unless the setting ``name`` is empty or an https URL."""
    if not url or (urlsplit(url).scheme == "https" and urlsplit(url).hostname):
        return []
    return [
        checks.Error(
            f"{name} is {url!r}, not an https URL: {why}",
            hint=f"Set {name} to the https URL of the issuer (see .env.example).",
            obj=name,
            id=check_id,
        )
    ]


def check_issuer_is_https(
    app_configs: object = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Deploy check: ``JWT_ISSUER``, when set, is an https URL (RFC 8414, section 2)."""
    return https_url_error(
        "JWT_ISSUER",
        simplejwt_settings.api_settings.ISSUER or "",
        "jwt_auth.E017",
        "the issuer's metadata and key set must be fetched over TLS.",
    )
