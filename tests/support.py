"""Helpers for the template's tests: bake projects, run their commands, serve them."""

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432"
# Throttling rates no test reaches, for served projects whose subject is not
# throttling: bakes are shared by the tests of a variant, and so are their counters.
GENEROUS_THROTTLE_RATES = {
    "DJANGO_THROTTLE_OBTAIN_PER_CLIENT": "100000/day",
    "DJANGO_THROTTLE_OBTAIN_PER_USERNAME": "100000/day",
    "DJANGO_THROTTLE_REFRESH_PER_CLIENT": "100000/day",
}
# Variables of the developer's shell that would leak into a baked project.
PROJECT_ENV_NOISE = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "VIRTUAL_ENV",
    "REDIS_URL",
)


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


def manage(project, *arguments, settings="config.settings.local", env=None):
    """Run ``manage.py`` of a baked project with the test interpreter."""
    environment = env or project_env()
    environment["DJANGO_SETTINGS_MODULE"] = settings
    return run([sys.executable, "manage.py", *arguments], project, env=environment)


def project_files(project):
    """Yield the files a baked project was generated with (not state made later)."""
    skipped = {".venv", "__pycache__", ".pytest_cache", ".ruff_cache", "keys"}
    for path in sorted(Path(project).rglob("*")):
        state = path.name in {".env", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"}
        if (
            path.is_file()
            and not state
            and not skipped & set(path.relative_to(project).parts)
        ):
            yield path


def postgres_available():
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def throwaway_database_url(prefix="tmpl"):
    """Return a URL naming a PostgreSQL database no other test run uses."""
    return f"{POSTGRES_URL}/{prefix}_{uuid.uuid4().hex[:10]}"


def drop_database(url):
    """Drop the database named in ``url`` and the test database Django made from it."""
    import psycopg  # noqa: PLC0415 - only the PostgreSQL tests need it
    from psycopg import sql  # noqa: PLC0415

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True) as connection:
        for database in (name, f"test_{name}"):
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(database)
                )
            )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=10):
    """Send one request; return ``(status, headers, parsed JSON or text)``."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, response_headers, raw = (
                response.status,
                response.headers,
                response.read(),
            )
    except urllib.error.HTTPError as error:
        status, response_headers, raw = error.code, error.headers, error.read()
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode(errors="replace")
    return status, response_headers, payload


@contextmanager
def served(project, workers=2, settings="config.settings.local", env=None):
    """Serve a baked project with gunicorn; yield its base URL.

    Without ``env``, the project runs with its own environment and throttling
    rates no test reaches.
    """
    port = free_port()
    environment = env or project_env(**GENEROUS_THROTTLE_RATES)
    environment["DJANGO_SETTINGS_MODULE"] = settings
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=project,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited:\n{process.stdout.read()}")
            try:
                status, _, _ = http("GET", f"{base_url}/api/health/", timeout=1)
                if status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("gunicorn did not answer within 30 s")
            time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def redis_available():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def concurrently(count, call):
    """Run ``call(index)`` in ``count`` threads released at once; return the results."""
    barrier = threading.Barrier(count)

    def when_all_are_ready(index):
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(when_all_are_ready, range(count)))


def read_dotenv(project):
    """Return the variables set in a baked project's ``.env``."""
    variables = {}
    for line in (Path(project) / ".env").read_text().splitlines():
        name, equals, value = line.partition("=")
        if equals and not name.startswith("#"):
            variables[name.strip()] = value
    return variables


def production_copy(project, destination):
    """Copy a baked project without the state setup made (.env, keys, database, cache).

    Commands run in the copy see only the environment they are given, as in
    production, instead of falling back to the values in ``.env``.
    """
    shutil.copytree(
        project,
        destination,
        ignore=shutil.ignore_patterns(
            ".env", "keys", "db.sqlite3*", ".cache", "__pycache__", ".pytest_cache"
        ),
    )
    return Path(destination)


def production_environment(project, **overrides):
    """Return the documented production variables for a baked project, plus ``overrides``.

    The secrets are the ones setup made (the signing key, the key pair as PEM
    text) or fresh ones; the database is the project's own.
    """
    dotenv = read_dotenv(project)
    variables = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": dotenv.get("DATABASE_URL")
        or f"sqlite:///{Path(project).resolve() / 'db.sqlite3'}",
    }
    if "JWT_SIGNING_KEY" in dotenv:
        variables["JWT_SIGNING_KEY"] = dotenv["JWT_SIGNING_KEY"]
    else:
        keys = Path(project) / "keys"
        variables["JWT_PRIVATE_KEY"] = (keys / "jwt_private.pem").read_text()
        variables["JWT_PUBLIC_KEY"] = (keys / "jwt_public.pem").read_text()
    variables.update(overrides)
    return project_env(
        **{name: value for name, value in variables.items() if value is not None}
    )


def run_failing(command, cwd, env):
    """Run ``command``, which must fail; return its combined output."""
    completed = execute(command, cwd, env, timeout=120)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, (
        f"{' '.join(map(str, command))} succeeded:\n{output}"
    )
    return output
