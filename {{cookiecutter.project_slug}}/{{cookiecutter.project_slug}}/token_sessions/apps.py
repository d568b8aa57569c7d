from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.db.models.signals import post_save


class TokenSessionsConfig(AppConfig):
    """Sessions (token families) users can list and end; see the README's "Sessions"."""

    name = "{{ cookiecutter.project_slug }}.token_sessions"
    # Not "sessions": django.contrib.sessions has that label.
    label = "token_sessions"
    verbose_name = "Token sessions"

    def ready(self) -> None:
        from .checks import check_cleanup_is_scheduled  # noqa: PLC0415
        from .signals import user_saved  # noqa: PLC0415

        checks.register(check_cleanup_is_scheduled, checks.Tags.security, deploy=True)
        post_save.connect(
            user_saved,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="token_sessions.user_saved",
        )
