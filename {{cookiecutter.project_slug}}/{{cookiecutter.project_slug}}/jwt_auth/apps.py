from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save


class JwtAuthConfig(AppConfig):
    """Token backends and authentication, shared by both roles."""

    name = "{{ cookiecutter.project_slug }}.jwt_auth"
    label = "jwt_auth"

    def ready(self) -> None:
        from .signals import user_deleted, user_saved  # noqa: PLC0415

        # The users app does not know this one: it is this app that listens.
        post_save.connect(
            user_saved,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="jwt_auth.user_saved",
        )
        post_delete.connect(
            user_deleted,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="jwt_auth.user_deleted",
        )
