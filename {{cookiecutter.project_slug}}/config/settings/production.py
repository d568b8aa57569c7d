"""Settings for production: every secret comes from the environment.

``python manage.py check --deploy --settings=config.settings.production``
reports nothing when the variables documented in ``.env.example`` are set.
A missing or empty one stops the service at start, naming the variable.
"""

from django.core.exceptions import ImproperlyConfigured

from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    key_files,
    key_publish_seconds,
    next_keys_dir,
    previous_verifying_keys_from_env,
    secret_key_files,
    signing_keys_from_env,
)

from .base import *  # noqa: F403
from .base import BASE_DIR, MIDDLEWARE, SIMPLE_JWT, env


def required(name: str) -> str:
    """Return the environment variable ``name``; stop the service if it is unset or empty."""
    value = env.str(name, default="").strip()
    if not value:
        message = f"Set the {name} environment variable: production has no default for it (see .env.example)."
        raise ImproperlyConfigured(message)
    return value


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [
    host.strip() for host in required("DJANGO_ALLOWED_HOSTS").split(",") if host.strip()
]
# A missing key stops the start through the system check jwt_auth.E002.
SIMPLE_JWT |= signing_keys_from_env(env, BASE_DIR)
# Keys retired by `manage.py rotate_jwt_key` whose tokens may still be alive.
JWT_PREVIOUS_VERIFYING_KEYS = previous_verifying_keys_from_env(
    env, BASE_DIR, SIMPLE_JWT
)
# Keys `manage.py rotate_jwt_key` publishes before they sign, and how long before.
JWT_NEXT_KEYS_DIR = next_keys_dir(env, BASE_DIR)
JWT_KEY_PUBLISH_SECONDS = key_publish_seconds(env)
# The files those keys came from: refused at start if others can read them.
JWT_SECRET_FILES = secret_key_files(env, BASE_DIR)
# Where SIGNING_KEY and VERIFYING_KEY come from, for the checks to name them.
JWT_KEY_FILES = key_files(env, BASE_DIR)
# base.py reads DATABASE_URL already; production has no local default for it.
required("DATABASE_URL")
{%- if cookiecutter.service_role == "issuer" %}
# base.py reads EMAIL_URL (console locally); production sends real mail.
required("EMAIL_URL")
required("ACCOUNT_FRONTEND_URL")
{%- endif %}

# https://docs.djangoproject.com/en/stable/ref/middleware/#http-strict-transport-security
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes of an orchestrator or load balancer may reach the service over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^api/health/$", r"^api/ready/$"]
# Behind a proxy that terminates TLS, set DJANGO_SECURE_PROXY_SSL_HEADER=true so
# Django trusts its X-Forwarded-Proto header (only if the proxy always sets it).
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
{%- if cookiecutter.token_transport == "cookie" %}
REFRESH_COOKIE_SECURE = True
{%- endif %}
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Static files (admin, Swagger UI) served by the application server itself:
# WhiteNoise sends the files `collectstatic` gathered, compressed and with
# content hashes in their names, so browsers may cache them forever.
# https://whitenoise.readthedocs.io/en/stable/django.html
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
