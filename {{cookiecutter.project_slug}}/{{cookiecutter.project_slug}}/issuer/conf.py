"""The settings of the issuer app (see ``app_settings.py``)."""

from {{ cookiecutter.project_slug }}.app_settings import AppSettings

issuer_settings = AppSettings(
    {
        # Keys retired by `manage.py rotate_jwt_key` that still verify tokens
        # (local.py and production.py read them from the environment).
        "JWT_PREVIOUS_VERIFYING_KEYS": [],
    }
)
