"""The settings of the issuer app (see ``app_settings.py``)."""

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings
from {{ cookiecutter.project_slug }}.jwt_keys.loading import KEY_PUBLISH_SECONDS

issuer_settings = AppSettings(
    {
        # Keys retired by `manage.py rotate_jwt_key` that still verify tokens
        # (local.py and production.py read them from the environment).
        "JWT_PREVIOUS_VERIFYING_KEYS": [],
        # Where `manage.py rotate_jwt_key` puts the keys it publishes before
        # they sign (None: nowhere, as in the test settings), and how long before.
        "JWT_NEXT_KEYS_DIR": None,
        "JWT_KEY_PUBLISH_SECONDS": KEY_PUBLISH_SECONDS,
        # The client_id claim of the tokens this service's login issues
        # (RFC 9068): the first-party client, this service itself.
        "JWT_CLIENT_ID": "{{ cookiecutter.project_slug }}",
        # The files that hold this service's JWT secrets, which must stay
        # owner-only (local.py and production.py list them; tests set none).
        "JWT_SECRET_FILES": [],
        # The files SIMPLE_JWT's SIGNING_KEY and VERIFYING_KEY were read from,
        # by setting (local.py and production.py; none for keys given as text).
        "JWT_KEY_FILES": {},
        # What access tokens say of their user (issuer/access_claims.py; base.py
        # reads both from the environment): a dotted path to a function of
        # the user ("": no claims), and the most bytes of JSON its claims take.
        "JWT_CLAIMS_HOOK": REQUIRED,
        "JWT_CLAIMS_MAX_BYTES": REQUIRED,
    }
)
