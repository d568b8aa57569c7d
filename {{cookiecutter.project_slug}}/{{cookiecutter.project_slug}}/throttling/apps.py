from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.core import checks


class ThrottlingConfig(AppConfig):
    """Brute-force throttling of password attempts, counted in the shared cache."""

    name = "{{ cookiecutter.project_slug }}.throttling"
    label = "throttling"

    def ready(self) -> None:
        from .checks import check_throttle_rates  # noqa: PLC0415

        checks.register(check_throttle_rates, checks.Tags.security)


class ThrottledAdminConfig(admin_apps.AdminConfig):
    """Django's admin, whose login form counts password attempts like /api/token/."""

    default = False  # Named in INSTALLED_APPS in place of django.contrib.admin.

{%- if cookiecutter.mfa == "totp" %}
    # Asking for a code after the password (two-factor login).
    default_site = "{{ cookiecutter.project_slug }}.mfa.admin_site.TwoFactorAdminSite"
{%- else %}
    default_site = f"{__package__}.admin_site.ThrottledAdminSite"
{%- endif %}
