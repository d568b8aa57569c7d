"""Tell the authentication cache (``cache.py``) when a user changes.

Connected in ``apps.py`` against ``settings.AUTH_USER_MODEL``, so the users
app knows nothing of JWT. A save that only records ``last_login`` changes
nothing authentication depends on, and a new user is in no cache yet. The
groups of a user are kept with it (the default claims hook's roles): a change
of its groups is a change of the user, and a renamed or deleted group changes
every user.
"""

from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.users.models import User

from .cache import all_users_changed, user_changed

# The m2m_changed actions after which a user's groups are different.
GROUPS_CHANGED = frozenset({"post_add", "post_remove", "post_clear"})


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


def groups_changed(
    sender: type,
    instance: object,
    action: str,
    reverse: bool,
    using: str,
    **kwargs: object,
) -> None:
    """Forget the users whose groups changed.

    ``user.groups.add(...)`` names the user; ``group.user_set.add(...)``
    names users by primary key, which need not be the tokens' user id:
    every user is forgotten then.
    """
    if action not in GROUPS_CHANGED:
        return
    if reverse:
        all_users_changed(using)
    else:
        user_changed(getattr(instance, api_settings.USER_ID_FIELD), using)


def group_saved(
    sender: type, created: bool, using: str, raw: bool = False, **kwargs: object
) -> None:
    """Forget every user when a group is renamed; a new group has no users."""
    if not created:
        all_users_changed(using)


def group_deleted(sender: type, using: str, **kwargs: object) -> None:
    """Forget every user when a group is deleted."""
    all_users_changed(using)
