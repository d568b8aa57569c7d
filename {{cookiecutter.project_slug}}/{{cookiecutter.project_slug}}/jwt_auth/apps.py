from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save


class JwtAuthConfig(AppConfig):
    """Token backends and authentication, shared by both roles."""

    name = "{{ cookiecutter.project_slug }}.jwt_auth"
    label = "jwt_auth"

    def ready(self) -> None:
        from django.contrib.auth.models import Group  # noqa: PLC0415

        from .signals import (  # noqa: PLC0415
            group_deleted,
            group_saved,
            groups_changed,
            user_deleted,
            user_saved,
        )

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
        # The groups are kept with the user (cache.read_group_names).
        m2m_changed.connect(
            groups_changed,
            sender=get_user_model().groups.through,
            dispatch_uid="jwt_auth.groups_changed",
        )
        post_save.connect(
            group_saved, sender=Group, dispatch_uid="jwt_auth.group_saved"
        )
        post_delete.connect(
            group_deleted, sender=Group, dispatch_uid="jwt_auth.group_deleted"
        )
