"""Serve baked projects with gunicorn and talk to them over HTTP (tests and benchmark)."""

import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tests.support.baking import SUPERUSER_PASSWORD, read_dotenv
from tests.support.commands import manage, project_env

PRODUCTION_SETTINGS = "config.settings.production"
# Throttling rates no test reaches, for served projects whose subject is not
# throttling: bakes are shared by the tests of a variant, and so are their counters.
GENEROUS_THROTTLE_RATES = {
    "DJANGO_THROTTLE_OBTAIN_PER_CLIENT": "100000/day",
    "DJANGO_THROTTLE_OBTAIN_PER_USERNAME": "100000/day",
    "DJANGO_THROTTLE_REFRESH_PER_CLIENT": "100000/day",
    "DJANGO_THROTTLE_ACCOUNT_PER_CLIENT": "100000/day",
    "DJANGO_THROTTLE_ACCOUNT_PER_ADDRESS": "100000/day",
    "DJANGO_THROTTLE_CLIENT_TOKEN_PER_CLIENT": "100000/day",
    "DJANGO_THROTTLE_CLIENT_TOKEN_PER_CLIENT_ID": "100000/day",
}
START_TIMEOUT_SECONDS = 60


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http(method, url, body=None, headers=None, timeout=10, context=None):
    """Send one request; return ``(status, headers, parsed JSON or text)``.

    ``context`` is the SSL context of an https URL (e.g. one trusting a test certificate).
    """
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(
            request, timeout=timeout, context=context
        ) as response:
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


def concurrently(count, call):
    """Run ``call(index)`` in ``count`` threads released at once; return the results."""
    barrier = threading.Barrier(count)

    def when_all_are_ready(index):
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(when_all_are_ready, range(count)))


@contextmanager
def served(
    project,
    workers=2,
    settings="config.settings.local",
    env=None,
    *,
    wsgi="config.wsgi",
    config=None,
    log=None,
    port=None,
    tls=None,
):
    """Serve a project with gunicorn on a free local port; yield its base URL.

    Without ``env``, a baked project runs with its own environment and
    throttling rates no test reaches. ``config`` is a gunicorn configuration
    file (the command line still wins). gunicorn's output goes to the file
    ``log`` (a temporary one by default), never to a pipe nobody reads while
    it serves, which would stall the workers once full. A ``port`` given
    serves there instead, e.g. to start a project again where others reach it.
    ``tls`` is ``(certificate file, key file, SSL context trusting it)``: gunicorn
    then serves HTTPS itself, and the URL yielded is https.
    """
    port = port or free_port()
    environment = env or project_env(**GENEROUS_THROTTLE_RATES)
    environment["DJANGO_SETTINGS_MODULE"] = settings
    options = ["-c", config] if config else []
    command = [sys.executable, "-m", "gunicorn", *options, wsgi]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    command += ["--log-level", "warning"]
    scheme, context = "http", None
    if tls:
        certificate, key, context = tls
        command += ["--certfile", str(certificate), "--keyfile", str(key)]
        scheme = "https"
    base_url = f"{scheme}://127.0.0.1:{port}"
    with (
        # Appending: gunicorn's writes never land where a read has moved the offset.
        open(log, "a+") if log else tempfile.TemporaryFile("a+") as output,
        subprocess.Popen(
            command, cwd=project, env=environment, stdout=output, stderr=output
        ) as process,
    ):

        def logged():
            output.flush()
            output.seek(0)
            return output.read()

        try:
            deadline = time.monotonic() + START_TIMEOUT_SECONDS
            while True:
                if process.poll() is not None:
                    raise AssertionError(f"gunicorn exited:\n{logged()}")
                try:
                    status, _, _ = http(
                        "GET", f"{base_url}/api/health/", timeout=1, context=context
                    )
                    if status == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise AssertionError(
                        f"gunicorn did not answer within {START_TIMEOUT_SECONDS} s:\n"
                        f"{logged()}"
                    )
                time.sleep(0.1)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


# Production -------------------------------------------------------------------------


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
    text; a verifier has none) or fresh ones; the database is the project's own (production has no
    default, so a SQLite project is given its file). The same environment
    serves the project itself or its ``production_copy``. An override of None
    leaves that variable out.
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
    elif (keys := Path(project) / "keys").is_dir():
        variables["JWT_PRIVATE_KEY"] = (keys / "jwt_private.pem").read_text()
        variables["JWT_PUBLIC_KEY"] = (keys / "jwt_public.pem").read_text()
    documented = (Path(project) / ".env.example").read_text()
    if "EMAIL_URL=" in documented:
        # An issuer's account emails; nothing listens there unless a test serves it.
        variables["EMAIL_URL"] = "smtp://127.0.0.1:2525"
        variables["ACCOUNT_FRONTEND_URL"] = "https://app.example.com"
    if "JWT_TOKEN_CLEANUP_SCHEDULED=" in documented:
        # As compose.yaml sets it next to its cleanup service.
        variables["JWT_TOKEN_CLEANUP_SCHEDULED"] = "true"
    variables.update(overrides)
    return project_env(
        **{name: value for name, value in variables.items() if value is not None}
    )


@contextmanager
def production_server(project):
    """Collect the static files of ``project``, serve it with gunicorn; yield its URL.

    Production settings over plain HTTP on loopback: HTTPS redirection is off.
    """
    env = production_environment(project, DJANGO_SECURE_SSL_REDIRECT="false")
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
