"""Run a baked project the way production does: production settings, collected static files."""

import re
from contextlib import contextmanager

from tests.conftest import SUPERUSER_PASSWORD
from tests.support import http, manage, project_env, served

PRODUCTION_SETTINGS = "config.settings.production"


def dotenv_defines(project, name):
    """Return True when the ``.env`` bootstrap.py wrote in ``project`` sets ``name``."""
    dotenv = (project / ".env").read_text()
    return re.search(rf"^{name}=\S", dotenv, re.MULTILINE) is not None


def production_env(project, **overrides):
    """Return the environment the production settings of ``project`` need here.

    Secrets and hosts come from the project's ``.env``. Production has no
    default database, so a SQLite project is given its own file. The server
    listens on loopback without TLS, so HTTPS redirection is off.
    """
    env = project_env(DJANGO_SECURE_SSL_REDIRECT="false", **overrides)
    if not dotenv_defines(project, "DATABASE_URL") and "DATABASE_URL" not in overrides:
        env["DATABASE_URL"] = f"sqlite:///{project / 'db.sqlite3'}"
    return env


@contextmanager
def production_server(project):
    """Collect the static files of ``project``, serve it with gunicorn; yield its URL."""
    env = production_env(project)
    if not (project / "staticfiles" / "staticfiles.json").exists():
        manage(
            project, "collectstatic", "--noinput", settings=PRODUCTION_SETTINGS, env=env
        )
    with served(project, settings=PRODUCTION_SETTINGS, env=env) as base_url:
        yield base_url


def obtain_access_token(base_url, username="admin", password=SUPERUSER_PASSWORD):
    """Return an access token for the superuser the bake created."""
    status, _, body = http(
        "POST", f"{base_url}/api/token/", {"username": username, "password": password}
    )
    assert status == 200, body
    return body["access"]
