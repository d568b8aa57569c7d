"""The settings of the jwt_auth app (see ``app_settings.py``)."""

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings

jwt_auth_settings = AppSettings(
    {
        # How long a worker may trust a user it read (base.py, from the environment).
        "JWT_USER_CACHE_SECONDS": REQUIRED,
    }
)
