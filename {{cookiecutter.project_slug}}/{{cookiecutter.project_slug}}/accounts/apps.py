from django.apps import AppConfig
from django.core import checks


class AccountsConfig(AppConfig):
    """Self-service accounts: password reset and change{% if cookiecutter.account_signup == "open" %}, sign-up and email verification{% endif %}."""

    name = "{{ cookiecutter.project_slug }}.accounts"
    label = "accounts"

    def ready(self) -> None:
        from .checks import check_frontend_url_is_https  # noqa: PLC0415

        # Deploy only: a local front end may answer over plain http.
        checks.register(check_frontend_url_is_https, checks.Tags.security, deploy=True)
