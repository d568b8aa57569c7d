"""System checks of a verifier: refuse to start without a safe way to verify the issuer's tokens."""

from collections.abc import Sequence

from django.apps import AppConfig
from django.core import checks
from rest_framework_simplejwt import settings as simplejwt_settings

from {{ cookiecutter.project_slug }}.jwt_auth.checks import (
    JWTConfigurationError,
    https_url_error,
    supported_algorithm,
)

from .conf import verifier_settings


def check_verifier_configuration(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Return Errors for a verifier that could not verify its issuer's tokens safely.

    It needs an asymmetric algorithm (an HMAC secret cannot be published),
    the URL of the issuer's keys, and the issuer and audience it accepts:
    without them it would take tokens of any issuer, meant for any service.
    """
    # simplejwt replaces its settings object when SIMPLE_JWT changes: read it now.
    jwt_settings = simplejwt_settings.api_settings
    try:
        algorithm = supported_algorithm(jwt_settings.ALGORITHM)
    except JWTConfigurationError as problem:
        return [checks.Error(problem.message, hint=problem.hint, id=problem.check_id)]
    errors: list[checks.CheckMessage] = []
    if algorithm.is_hmac:
        errors.append(
            checks.Error(
                f"SIMPLE_JWT['ALGORITHM'] is {algorithm.name}: a verifier cannot "
                "verify tokens signed with a secret it does not hold.",
                hint="Sign the issuer's tokens with an asymmetric algorithm "
                "(RS256, ES256, PS256 or EdDSA) and use the same one here.",
                obj="SIMPLE_JWT",
                id="jwt_auth.E012",
            )
        )
    if not verifier_settings.JWT_JWKS_URL:
        errors.append(
            checks.Error(
                "JWT_JWKS_URL is empty: this verifier does not know where its "
                "issuer publishes its keys.",
                hint="Set JWT_JWKS_URL to the issuer's /.well-known/jwks.json "
                "(see .env.example).",
                obj="JWT_JWKS_URL",
                id="jwt_auth.E013",
            )
        )
    missing = [
        name
        for name, value in (
            ("JWT_ISSUER", jwt_settings.ISSUER),
            ("JWT_AUDIENCE", jwt_settings.AUDIENCE),
        )
        if not value
    ]
    if missing:
        errors.append(
            checks.Error(
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                "not set: this verifier would accept "
                "tokens of any issuer, meant for any service.",
                hint="Set JWT_ISSUER and JWT_AUDIENCE to the values of the "
                "issuer (see .env.example).",
                obj="SIMPLE_JWT",
                id="jwt_auth.E014",
            )
        )
    return errors


def check_jwks_url_is_https(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: object
) -> list[checks.CheckMessage]:
    """Deploy check: the issuer's keys come over https, or anyone on the way picks them."""
    return https_url_error(
        "JWT_JWKS_URL",
        verifier_settings.JWT_JWKS_URL,
        "jwt_auth.E016",
        "whoever answers it in place of the issuer decides which tokens are accepted.",
    )
