"""Helpers for the template's tests and benchmark: bake, run commands, reach local servers.

Serving a baked project and talking to it over HTTP is the job of
``tests/serving.py``; fixtures live in ``conftest.py``, which imports from here.
"""

import os
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
# Bakes of the tests and the benchmark create the superuser with this password,
# so that they can log in; the generated-password path has tests of its own.
SUPERUSER_PASSWORD = "baked-superuser-password-7f3a"
# Variables of the developer's shell that would leak into a baked project.
PROJECT_ENV_NOISE = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "VIRTUAL_ENV",
    "REDIS_URL",
)


# Environments ---------------------------------------------------------------------


def in_ci():
    """Return True on CI, where a missing service must fail rather than skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def project_env(**overrides):
    """Return an environment for commands run inside a baked project."""
    env = {
        key: value for key, value in os.environ.items() if key not in PROJECT_ENV_NOISE
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


@contextmanager
def bake_environment(**overrides):
    """Run a bake without the caller's project variables, with ``overrides`` set."""
    saved = dict(os.environ)
    for name in PROJECT_ENV_NOISE:
        os.environ.pop(name, None)
    os.environ.update(overrides)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def read_dotenv(project):
    """Return the variables set in a baked project's ``.env``."""
    variables = {}
    for line in (Path(project) / ".env").read_text().splitlines():
        name, equals, value = line.partition("=")
        if equals and not name.startswith("#"):
            variables[name.strip()] = value
    return variables


# Commands -------------------------------------------------------------------------


def execute(command, cwd, env=None, timeout=600):
    """Run ``command`` in ``cwd`` and return it completed, whatever its exit status."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or project_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run(command, cwd, env=None, timeout=600):
    """Run ``command`` in ``cwd``; fail the test with its output when it fails."""
    completed = execute(command, cwd, env, timeout)
    if completed.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} failed in {cwd} "
            f"(exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    return completed


def run_failing(command, cwd, env):
    """Run ``command``, which must fail; return its combined output."""
    completed = execute(command, cwd, env, timeout=120)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, (
        f"{' '.join(map(str, command))} succeeded:\n{output}"
    )
    return output


def manage(project, *arguments, settings="config.settings.local", env=None):
    """Run ``manage.py`` of a baked project with the test interpreter."""
    environment = env or project_env()
    environment["DJANGO_SETTINGS_MODULE"] = settings
    return run([sys.executable, "manage.py", *arguments], project, env=environment)


def project_files(project):
    """Yield the files a baked project was generated with (not state made later)."""
    skipped = {".venv", "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis"}
    skipped |= {"keys", ".cache", ".superuser-password"}
    for path in sorted(Path(project).rglob("*")):
        state = path.name in {".env", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"}
        if (
            path.is_file()
            and not state
            and not skipped & set(path.relative_to(project).parts)
        ):
            yield path


# Local servers: PostgreSQL and Redis ----------------------------------------------


def listening(port):
    """Return True when something accepts connections on ``127.0.0.1:port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def postgres_available():
    return listening(5432)


def redis_available():
    return listening(6379)


def require_service(available, description):
    """Skip (or fail on CI, which must run these tests) when a local server is absent."""
    if available():
        return
    message = f"{description} is not listening"
    if in_ci():
        pytest.fail(f"{message}, and CI must run the tests that need it")
    pytest.skip(message)


def require_postgres():
    require_service(postgres_available, "PostgreSQL on 127.0.0.1:5432")


def require_redis():
    require_service(redis_available, "Redis on 127.0.0.1:6379")


def throwaway_database_url(prefix="tmpl"):
    """Return a URL naming a PostgreSQL database no other test run uses."""
    return f"{POSTGRES_URL}/{prefix}_{uuid.uuid4().hex[:10]}"


def _on_postgres_server(url, statement, *databases):
    """Run ``statement`` once per database name, on the server ``url`` names."""
    import psycopg  # noqa: PLC0415 - only the PostgreSQL tests need it
    from psycopg import sql  # noqa: PLC0415

    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        for database in databases:
            connection.execute(sql.SQL(statement).format(sql.Identifier(database)))


def create_database(url):
    """Create the database named in ``url`` (as compose's db service would)."""
    _on_postgres_server(url, "CREATE DATABASE {}", url.rsplit("/", 1)[1])


def drop_database(url):
    """Drop the database named in ``url`` and the test database Django made from it."""
    name = url.rsplit("/", 1)[1]
    _on_postgres_server(
        url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", name, f"test_{name}"
    )
