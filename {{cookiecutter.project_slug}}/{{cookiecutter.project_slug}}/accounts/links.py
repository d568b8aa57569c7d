"""The links of the emails: the front end's pages, with the user id and a token."""

from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from {{ cookiecutter.project_slug }}.users.models import User

from .conf import accounts_settings


def frontend_link(page: str, user: User, token: str) -> str:
    """Return ``ACCOUNT_FRONTEND_URL/<page>?uid=…&token=…`` for ``user``."""
    base = str(accounts_settings.ACCOUNT_FRONTEND_URL).rstrip("/")
    query = urlencode({"uid": uid_of(user), "token": token})
    return f"{base}/{page}?{query}"


def uid_of(user: User) -> str:
    """Return the user's id as the links carry it (URL-safe base64)."""
    return urlsafe_base64_encode(force_bytes(user.pk))


def user_of_uid(uid: str) -> User | None:
    """Return the active user a link's ``uid`` names, or None."""
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        return get_user_model()._default_manager.get(pk=pk, is_active=True)
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        return None
