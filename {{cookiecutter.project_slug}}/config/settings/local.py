"""Settings for development on a workstation (``manage.py`` uses these)."""

from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    key_files,
    key_publish_seconds,
    next_keys_dir,
    previous_verifying_keys_from_env,
    secret_key_files,
    signing_keys_from_env,
)

from .base import *  # noqa: F403
from .base import BASE_DIR, REST_FRAMEWORK, SIMPLE_JWT, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# Written to .env by bootstrap.py; there is deliberately no default.
SECRET_KEY = env("DJANGO_SECRET_KEY")
# Empty when missing: the system checks then name `manage.py generate_jwt_keys`.
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

REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"] = [
    "rest_framework.renderers.JSONRenderer",
    "rest_framework.renderers.BrowsableAPIRenderer",
]
