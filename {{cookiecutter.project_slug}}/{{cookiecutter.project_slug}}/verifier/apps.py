from django.apps import AppConfig
from django.core import checks


class VerifierConfig(AppConfig):
    """A service that accepts the tokens of its issuer, through the keys it publishes."""

    name = "{{ cookiecutter.project_slug }}.verifier"
    label = "verifier"

    def ready(self) -> None:
        # Both modules import simplejwt's token classes: only once apps are ready.
        from {{ cookiecutter.project_slug }}.jwt_auth.backends import (  # noqa: PLC0415
            install_token_backend,
        )
        from {{ cookiecutter.project_slug }}.jwt_auth.checks import (  # noqa: PLC0415
            check_issuer_is_https,
        )

        from .checks import (  # noqa: PLC0415
            check_jwks_url_is_https,
            check_verifier_configuration,
        )
        from .remote_keys import remote_token_backend  # noqa: PLC0415

        # Every token verifies with a key the issuer published (by kid).
        install_token_backend(remote_token_backend)
        # Not deploy-only: without its issuer's keys no request is served.
        checks.register(check_verifier_configuration, checks.Tags.security)
        # Deploy only: a local issuer may answer over plain http.
        checks.register(check_jwks_url_is_https, checks.Tags.security, deploy=True)
        checks.register(check_issuer_is_https, checks.Tags.security, deploy=True)
