from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed


class SecurityEventsConfig(AppConfig):
    """The log of what happened to accounts: logins, ended sessions, new passwords."""

    name = "{{ cookiecutter.project_slug }}.security_events"
    label = "security_events"
    verbose_name = "Security events"

    def ready(self) -> None:
        from .receivers import login_failed, login_succeeded  # noqa: PLC0415

        user_logged_in.connect(
            login_succeeded, dispatch_uid="security_events.login_succeeded"
        )
        user_login_failed.connect(
            login_failed, dispatch_uid="security_events.login_failed"
        )
