from django.apps import AppConfig
from django.conf import settings
from django.contrib.admin import apps as admin_apps
from django.core import checks
from django.core.signals import setting_changed
from django.db.models.signals import post_delete, post_save


class JwtAuthConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.jwt_auth"
    label = "jwt_auth"

    def ready(self) -> None:
        # Both modules import simplejwt's token models: only once apps are ready.
        from .backends import install_token_backend, reinstall_on_change  # noqa: PLC0415
        from .checks import (  # noqa: PLC0415
            check_jwt_configuration,
            check_key_set,
            check_secret_file_modes,
            check_throttle_rates,
        )
        from .signals import user_deleted, user_saved  # noqa: PLC0415

        # Every token, of simplejwt's classes too, carries and checks kid.
        install_token_backend()
        setting_changed.connect(reinstall_on_change, dispatch_uid="jwt_auth.backend")
        # Not deploy-only: a key that cannot sign or verify breaks every environment.
        checks.register(check_jwt_configuration, checks.Tags.security)
        checks.register(check_key_set, checks.Tags.security)
        checks.register(check_throttle_rates, checks.Tags.security)
        checks.register(check_secret_file_modes, checks.Tags.security)
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


class ThrottledAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose login form counts password attempts like /api/token/."""

    default = False  # Named in INSTALLED_APPS in place of django.contrib.admin.

    default_site = f"{__package__}.admin_site.ThrottledAdminSite"
