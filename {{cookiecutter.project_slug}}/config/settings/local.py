"""Settings for development on a workstation (``manage.py`` uses these)."""

from config.jwt_keys import signing_keys_from_env

from .base import *  # noqa: F403
from .base import BASE_DIR, REST_FRAMEWORK, SIMPLE_JWT, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Written to .env by bootstrap.py; there is deliberately no default.
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Empty when missing: the system checks then name `manage.py generate_jwt_keys`.
SIMPLE_JWT |= signing_keys_from_env(env, BASE_DIR)

REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
