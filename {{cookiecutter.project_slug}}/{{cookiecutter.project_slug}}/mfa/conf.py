"""The settings of the mfa app (see ``app_settings.py``).

``config/settings/mfa.py`` sets ``MFA_REQUIRED_FOR_STAFF`` from the environment.
"""

from {{ cookiecutter.project_slug }}.app_settings import REQUIRED, AppSettings

mfa_settings = AppSettings(
    {
        "MFA_REQUIRED_FOR_STAFF": REQUIRED,
        # Seconds an mfa_token (the password step of a login) stays usable.
        "MFA_TOKEN_SECONDS": 300,
        # Wrong codes an mfa_token survives: the next wrong one kills it.
        "MFA_TOKEN_MAX_FAILURES": 5,
        # Recovery codes made at once, each usable once.
        "MFA_RECOVERY_CODE_COUNT": 10,
    }
)
