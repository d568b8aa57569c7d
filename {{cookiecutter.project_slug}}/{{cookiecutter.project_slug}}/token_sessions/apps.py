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
        from {{ cookiecutter.project_slug }}.jwt_auth.claims import (  # noqa: PLC0415
            is_uuid_text,
            require_claim,
        )

        from .checks import check_cleanup_is_scheduled  # noqa: PLC0415
        from .models import SESSION_CLAIM  # noqa: PLC0415
        from .signals import user_saved  # noqa: PLC0415

        # A token naming its session by anything else than a session id is invalid.
        require_claim(SESSION_CLAIM, is_uuid_text)

        checks.register(check_cleanup_is_scheduled, checks.Tags.security, deploy=True)
        post_save.connect(
            user_saved,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="token_sessions.user_saved",
        )
