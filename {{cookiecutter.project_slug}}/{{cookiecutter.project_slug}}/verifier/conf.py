"""The settings of the verifier app (see ``app_settings.py``)."""

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings

verifier_settings = AppSettings(
    {
        # Where the issuer publishes its keys (base.py, from the environment).
        "JWT_JWKS_URL": REQUIRED,
    }
)
