"""What the system checks of the JWT setup share: the error, the algorithm's facts.

simplejwt reads its keys lazily, so a missing, short or mismatched key only
shows at the first login, as an HTTP 500 or as tokens nobody can verify. The
checks (``issuer/checks.py``, ``verifier/checks.py``) run before
``runserver``, ``migrate`` and ``check``, and when ``config/wsgi.py`` or
``config/asgi.py`` loads the application, so a broken setup stops the service
at start with a message that names the setting to fix.
"""

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
