from django.apps import AppConfig


class ServiceClientsConfig(AppConfig):
    """Service clients: other services that get access tokens of their own (RFC 6749, 4.4)."""

    name = "{{ cookiecutter.project_slug }}.service_clients"
    label = "service_clients"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from {{ cookiecutter.project_slug }}.jwt_auth.service_clients import (  # noqa: PLC0415
            revoked_clients,
        )

        from .revocation import connect_signals, revoked_on_the_issuer  # noqa: PLC0415

        # The issuer's workers read its database too, not only the shared cache.
        revoked_clients.reader = revoked_on_the_issuer
        connect_signals()
