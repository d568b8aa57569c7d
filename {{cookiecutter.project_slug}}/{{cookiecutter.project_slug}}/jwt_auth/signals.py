"""Tell the authentication cache (``cache.py``) when a user changes.

Connected in ``apps.py`` against ``settings.AUTH_USER_MODEL``, so the users
app knows nothing of JWT. A save that only records ``last_login`` changes
nothing authentication depends on, and a new user is in no cache yet.
"""

from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.users.models import User

from .cache import user_changed


def user_saved(
    sender: type,
    instance: User,
    created: bool,
    update_fields: frozenset[str] | None,
    using: str,
    **kwargs: object,
) -> None:
    """Forget a changed user; a new one or a recorded login changes nothing."""
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    user_changed(getattr(instance, api_settings.USER_ID_FIELD), using)


def user_deleted(sender: type, instance: User, using: str, **kwargs: object) -> None:
    """Forget a deleted user."""
    user_changed(getattr(instance, api_settings.USER_ID_FIELD), using)
