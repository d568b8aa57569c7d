"""The settings of the token_sessions app (see ``app_settings.py``).

``config/settings/token_sessions.py`` sets both from the environment, with
their defaults.
"""

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings

token_sessions_settings = AppSettings(
    {
        # Seconds after a rotation during which its token may be retried.
        "JWT_REFRESH_GRACE_SECONDS": REQUIRED,
        # Whether `manage.py prune_tokens` is scheduled where this service runs.
        "JWT_TOKEN_CLEANUP_SCHEDULED": REQUIRED,
    }
)
