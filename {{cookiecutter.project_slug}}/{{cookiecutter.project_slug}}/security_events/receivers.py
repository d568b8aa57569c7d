"""Django's login signals, recorded as security events.

Django sends ``user_logged_in`` and ``user_login_failed`` for the admin's
login form; the issuer's token endpoint sends them too (simplejwt does not:
simplejwt#190), so every login and every refused password is recorded,
whichever door it came through. Connected in ``apps.py``.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from rest_framework.request import Request

from {{ cookiecutter.project_slug }}.users.models import User

from .events import Kind, record


def login_succeeded(
    sender: type, request: HttpRequest | Request | None, user: User, **kwargs: Any
) -> None:
    """Record a successful login of ``user``."""
    record(Kind.LOGIN_SUCCEEDED, request=request, user=user, path=path_of(request))


def login_failed(
    sender: object,
    credentials: dict[str, Any],
    request: HttpRequest | Request | None = None,
    **kwargs: Any,
) -> None:
    """Record refused credentials, by the login name given (the password is not kept)."""
    username_field = get_user_model().USERNAME_FIELD
    name = credentials.get(username_field, credentials.get("username", ""))
    record(
        Kind.LOGIN_FAILED,
        request=request,
        login_name=str(name or ""),
        path=path_of(request),
    )


def path_of(request: HttpRequest | Request | None) -> str:
    """Return the path the login came through (token endpoint, admin), "" if unknown."""
    return "" if request is None else request.path
