"""Settings for the test suite: fast, isolated, no secrets from the machine."""

from {{ cookiecutter.project_slug }}.jwt_auth.keys import generate_signing_keys

from .base import *  # noqa: F403
from .base import SIMPLE_JWT

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"  # noqa: S105
# A key pair made for this test run only, of the configured algorithm.
SIMPLE_JWT |= generate_signing_keys(SIMPLE_JWT["ALGORITHM"])

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Hashing passwords slowly is a feature in production and a cost in tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
