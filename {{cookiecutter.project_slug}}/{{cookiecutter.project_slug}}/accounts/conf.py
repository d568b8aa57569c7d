"""The settings of the accounts app (see ``app_settings.py``)."""

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings

accounts_settings = AppSettings(
    {
        # Where the front end that receives the emailed links is served
        # (config/settings/accounts.py reads ACCOUNT_FRONTEND_URL).
        "ACCOUNT_FRONTEND_URL": REQUIRED,
        # How many times a message is tried before it is given up (and logged).
        "ACCOUNT_EMAIL_ATTEMPTS": 8,
        # Seconds before the first retry; each later one waits twice as long
        # (config/settings/accounts.py reads ACCOUNT_EMAIL_RETRY_SECONDS).
        "ACCOUNT_EMAIL_RETRY_SECONDS": REQUIRED,
    }
)
