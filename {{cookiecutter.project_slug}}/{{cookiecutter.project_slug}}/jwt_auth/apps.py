from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks


class JwtAuthConfig(AppConfig):
    name = "{{ cookiecutter.project_slug }}.jwt_auth"
    label = "jwt_auth"

    def ready(self):
        # checks.py imports simplejwt's token models: only once apps are ready.
        from .checks import check_jwt_configuration, check_throttle_rates  # noqa: PLC0415

        # Not deploy-only: a key that cannot sign or verify breaks every environment.
        checks.register(check_jwt_configuration, checks.Tags.security)
        checks.register(check_throttle_rates, checks.Tags.security)


class ThrottledAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose login form counts password attempts like /api/token/."""

    default = False  # Named in INSTALLED_APPS in place of django.contrib.admin.

    default_site = "{{ cookiecutter.project_slug }}.jwt_auth.admin_site.ThrottledAdminSite"
