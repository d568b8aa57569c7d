"""Settings of the accounts (README, "Accounts"): email, links, background tasks."""

from .environment import env

# Mail through EMAIL_URL (smtp://user:password@host:587, smtp+tls://…,
# smtp+ssl://…); locally the console shows each message. Production requires it.
# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-email-url
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# Give up on a mail server after 10 seconds: the worker retries later, first
# after this many seconds, then twice as long each time (8 attempts in all).
EMAIL_TIMEOUT = 10
ACCOUNT_EMAIL_RETRY_SECONDS = env.int("ACCOUNT_EMAIL_RETRY_SECONDS", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

# The front end the emailed links lead to (its /verify-email and
# /reset-password pages post the uid and token back); https in production.
ACCOUNT_FRONTEND_URL = env.str("ACCOUNT_FRONTEND_URL", default="http://localhost:3000")
# Seconds a password reset{% if cookiecutter.account_signup == "open" %} or verification{% endif %} link works.
PASSWORD_RESET_TIMEOUT = env.int("DJANGO_PASSWORD_RESET_TIMEOUT", default=60 * 60)
{%- if cookiecutter.account_signup == "open" %}
# The answer given when the project was generated: mandatory refuses logins
# (403 email_not_verified) until the address is confirmed.
ACCOUNT_EMAIL_VERIFICATION = "{{ cookiecutter.email_verification }}"
{%- endif %}

# Emails are sent by a worker ("python manage.py db_worker"), from a queue
# kept in the database: no other server is needed.
# https://docs.djangoproject.com/en/stable/topics/tasks/
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
