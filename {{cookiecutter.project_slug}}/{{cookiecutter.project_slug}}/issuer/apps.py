from django.apps import AppConfig
from django.core import checks


class IssuerConfig(AppConfig):
    """A service that logs users in and signs their tokens, and publishes its keys."""

    name = "{{ cookiecutter.project_slug }}.issuer"
    label = "issuer"

    def ready(self) -> None:
        # Both modules import simplejwt's token classes: only once apps are ready.
        from {{ cookiecutter.project_slug }}.jwt_auth.backends import (  # noqa: PLC0415
            install_token_backend,
        )
        from {{ cookiecutter.project_slug }}.jwt_auth.checks import (  # noqa: PLC0415
            check_issuer_is_https,
        )

        from .backend import local_token_backend  # noqa: PLC0415
        from .checks import (  # noqa: PLC0415
            check_claims_hook,
            check_jwt_configuration,
            check_key_set,
            check_next_key_files,
            check_secret_file_modes,
        )
{%- if cookiecutter.token_transport == "cookie" %}
        from .cookie_checks import check_refresh_cookie  # noqa: PLC0415
{%- endif %}
        from .login_signals import (  # noqa: PLC0415
            leave_token_logins_last_login_to_simplejwt,
        )

        leave_token_logins_last_login_to_simplejwt()
        # Every token, of simplejwt's classes too, carries and checks kid.
        install_token_backend(local_token_backend)
        # Not deploy-only: a key that cannot sign or verify breaks every environment.
        checks.register(check_jwt_configuration, checks.Tags.security)
        checks.register(check_key_set, checks.Tags.security)
        checks.register(check_next_key_files, checks.Tags.security)
        checks.register(check_secret_file_modes, checks.Tags.security)
        checks.register(check_claims_hook)
{%- if cookiecutter.token_transport == "cookie" %}
        checks.register(check_refresh_cookie, checks.Tags.security)
{%- endif %}
        # Deploy only: a local issuer may answer over plain http.
        checks.register(check_issuer_is_https, checks.Tags.security, deploy=True)
