"""The settings of the security_events app (see ``app_settings.py``).

``config/settings/security_events.py`` sets it from the environment, with
its default.
"""

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings

security_events_settings = AppSettings(
    {
        # Days a security event is kept before `manage.py prune_security_events`
        # (and prune_tokens, where sessions are kept) deletes it.
        "SECURITY_EVENT_RETENTION_DAYS": REQUIRED,
    }
)
