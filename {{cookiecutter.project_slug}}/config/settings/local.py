"""Settings for development on a workstation (``manage.py`` uses these)."""

from django.core.exceptions import ImproperlyConfigured

from {{ cookiecutter.project_slug }}.jwt_auth.keys import signing_keys_from_env

from .base import *  # noqa: F403
from .base import BASE_DIR, REST_FRAMEWORK, SIMPLE_JWT, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Written to .env by bootstrap.py; there is deliberately no default.
SECRET_KEY = env("DJANGO_SECRET_KEY")
try:
    SIMPLE_JWT |= signing_keys_from_env(env, BASE_DIR, SIMPLE_JWT["ALGORITHM"])
except ImproperlyConfigured:
    # No key yet: the JWT system checks say so, and generate_jwt_keys creates it.
    SIMPLE_JWT |= {"SIGNING_KEY": "", "VERIFYING_KEY": ""}

REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
