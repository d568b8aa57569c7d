"""Settings for the test suite: fast, isolated, no secrets from the machine."""

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import MIN_RSA_KEY_BITS
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_signing_keys

from .base import *  # noqa: F403
from .base import {% if cookiecutter.database == "sqlite" %}BASE_DIR, DATABASES, {% endif %}REST_FRAMEWORK, SIMPLE_JWT

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
# A key pair made for this test run only, of the configured algorithm (the
# smallest RSA size the checks accept: faster to make).
SIMPLE_JWT |= generate_signing_keys(SIMPLE_JWT["ALGORITHM"], MIN_RSA_KEY_BITS)
{%- if cookiecutter.service_role == "issuer" %}
# Tokens without iss and aud, whatever .env says; the tests of those claims set them.
SIMPLE_JWT |= {"ISSUER": None, "AUDIENCE": None}
{%- endif %}
JWT_PREVIOUS_VERIFYING_KEYS: list[str] = []

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rates no other test reaches; the throttling tests set low ones.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "10000/minute"
)
{%- if cookiecutter.mfa == "totp" %}
# Tests of the admin and of staff tokens log staff in without a code; the
# two-factor tests (mfa/tests/conftest.py) turn the default back on.
MFA_REQUIRED_FOR_STAFF = False
{%- endif %}
{%- if cookiecutter.database == "sqlite" %}
if DATABASES["default"]["ENGINE"] == "{{ cookiecutter.project_slug }}.database":
    # A file, as outside tests: connections of several threads then share it
    # under SQLite's locking (in memory, they get "database table is locked").
    DATABASES["default"]["TEST"] = {"NAME": BASE_DIR / "db.sqlite3-test"}
{%- endif %}

{%- if cookiecutter.service_role == "issuer" %}
# Emails are sent as they are enqueued, into django.core.mail.outbox.
TASKS = {"default": {"BACKEND": "{{ 'django_tasks' if cookiecutter.django_version == '5.2' else 'django.tasks' }}.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
{%- endif %}

# Hashing passwords slowly is a feature in production and a cost in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
