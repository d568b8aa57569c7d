"""The token backend of an issuer: it holds its keys, current and previous."""

from rest_framework_simplejwt import settings as simplejwt_settings

from {{ cookiecutter.project_slug }}.jwt_auth.backends import KeySetTokenBackend

from .conf import issuer_settings


def local_token_backend() -> KeySetTokenBackend:
    """Return the backend of a service that holds its keys (``SIMPLE_JWT`` and ``JWT_*``)."""
    jwt_settings = simplejwt_settings.api_settings
    return KeySetTokenBackend(
        jwt_settings.ALGORITHM,
        jwt_settings.SIGNING_KEY,
        jwt_settings.VERIFYING_KEY,
        jwt_settings.AUDIENCE,
        jwt_settings.ISSUER,
        None,  # JWK_URL: an issuer holds its keys.
        jwt_settings.LEEWAY,
        jwt_settings.JSON_ENCODER,
        previous_keys=issuer_settings.JWT_PREVIOUS_VERIFYING_KEYS,
    )
