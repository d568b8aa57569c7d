"""End a user's sessions when they are deactivated or get a new password.

Their tokens are already refused then (``jwt_auth``); ending the sessions
makes the session list agree. Connected in ``apps.py`` against
``settings.AUTH_USER_MODEL``: the users app knows nothing of sessions.
"""

from {{ cookiecutter.project_slug }}.jwt_auth.password_stamp import password_stamps
from {{ cookiecutter.project_slug }}.users.models import User

from .lifecycle import end_sessions
from .models import Session


def user_saved(
    sender: type,
    instance: User,
    created: bool,
    update_fields: frozenset[str] | None,
    **kwargs: object,
) -> None:
    """End the sessions a deactivation or a new password invalidated."""
    if created or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    sessions = Session.objects.filter(user=instance)
    if not instance.is_active:
        end_sessions(sessions, reason="deactivated")
        return
    end_sessions(
        sessions.exclude(password_fingerprint__in=password_stamps(instance.password)),
        reason="password-changed",
    )
