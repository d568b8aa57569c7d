from django.apps import AppConfig


class MfaConfig(AppConfig):
    """Two-factor login: TOTP devices and recovery codes (django-otp), through the API."""

    name = "{{ cookiecutter.project_slug }}.mfa"
    label = "mfa"
    verbose_name = "Two-factor login"
