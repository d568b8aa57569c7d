"""The projects a benchmark serves, baked and the article's, and how to serve them."""

import shutil
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from benchmarks.run.key_set_proxy import CountingProxy
from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import manage, project_env, run
from tests.support.databases import create_database
from tests.support.serving import (
    GENEROUS_THROTTLE_RATES,
    PRODUCTION_SETTINGS,
    http,
    production_environment,
    served,
)

BENCHMARKS = Path(__file__).resolve().parents[1]
TEMPLATE = BENCHMARKS.parent
ARTICLE_PROJECT = BENCHMARKS / "jwt_authentication_with_drf"
USERNAME = "admin"
ROTATION_ANSWERS = {"rotate_refresh_tokens": "yes", "blacklist_after_rotation": "yes"}
COOKIE_ANSWERS = {"token_transport": "cookie"}
# An issuer whose keys others can fetch, and a service that trusts its tokens.
ISSUER_ANSWERS = {"jwt_algorithm": "ES256"}
VERIFIER_ANSWERS = {"jwt_algorithm": "ES256", "service_role": "verifier"}
# An issuer with open sign-up and two-factor login (the accounts and MFA rows).
ACCOUNTS_ANSWERS = {"account_signup": "open", "mfa": "totp"}
# The iss and aud the issuer puts in its tokens and both services require.
CLAIMS = {
    "JWT_ISSUER": "https://auth.example.com",
    "JWT_AUDIENCE": "https://services.example.com",
}
# Our baked projects, by server name, and their answers beyond the defaults.
VARIANTS = {
    "ours": {},
    "rotation": ROTATION_ANSWERS,
    "cookie": COOKIE_ANSWERS,
    "accounts": ACCOUNTS_ANSWERS,
    "issuer": ISSUER_ANSWERS,
    "verifier": VERIFIER_ANSWERS,
}


def timed(function, *args, **kwargs):
    """Return ``(result, seconds)`` of calling ``function``."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def bake(template, output_dir, answers, **env_overrides):
    """Bake the template with cookiecutter's command; return ``(project, seconds)``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    arguments = [f"{name}={value}" for name, value in answers.items()]
    env = project_env(
        DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD,
        TEMPLATE_STRICT_SETUP="1",
        **env_overrides,
    )
    command = [
        sys.executable,
        "-m",
        "cookiecutter",
        "--no-input",
        "-o",
        output_dir,
        template,
    ]
    _, seconds = timed(run, [*command, *arguments], output_dir, env, timeout=900)
    (project,) = (child for child in output_dir.iterdir() if child.is_dir())
    return project, seconds


@dataclass
class Server:
    """A project to serve with gunicorn, and its URL once it is served."""

    name: str
    project: Path
    settings: str
    env: dict
    wsgi: str = "config.wsgi"
    config: str | None = None
    port: int | None = None
    url: str | None = None
    # A verifier's: the server whose tokens it trusts, and the proxy it fetches keys through.
    issuer: "Server | None" = None
    key_set: "CountingProxy | None" = None
    # A service client of this issuer: its id and secret.
    client: tuple[str, str] | None = None

    def log_in(self):
        """Log the superuser in (at the issuer, for a verifier); return headers and body."""
        credentials = {"username": USERNAME, "password": SUPERUSER_PASSWORD}
        url = f"{(self.issuer or self).url}/api/token/"
        status, headers, body = http("POST", url, credentials, timeout=120)
        if status != 200:
            sys.exit(f"POST {url} answered {status}: {str(body)[:500]}")
        return headers, body

    def tokens(self):
        """Return a fresh token pair of the superuser (of the issuer, for a verifier)."""
        return self.log_in()[1]

    def cookies(self):
        """Log in; return the cookies the answer sets (cookie transport), by name."""
        headers, _ = self.log_in()
        jar = SimpleCookie()
        for header in headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return {name: morsel.value for name, morsel in jar.items()}


def article_server(directory, database_url=None):
    """Set up the article's project in ``directory``: migrated, with its superuser.

    With ``database_url`` (PostgreSQL), it runs on that database with the same
    settings otherwise, still without connection reuse (Django's default).
    """
    shutil.copytree(
        ARTICLE_PROJECT,
        directory,
        ignore=shutil.ignore_patterns("README.md", "__pycache__", "db.sqlite3"),
    )
    settings, env = "article.settings", project_env()
    if database_url:
        create_database(database_url)
        settings = "article.settings_postgresql"
        env["DATABASE_URL"] = database_url
    manage(directory, "migrate", "--noinput", settings=settings, env=dict(env))
    superuser = env | {
        "DJANGO_SUPERUSER_USERNAME": USERNAME,
        "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
        "DJANGO_SUPERUSER_PASSWORD": SUPERUSER_PASSWORD,
    }
    manage(directory, "createsuperuser", "--noinput", settings=settings, env=superuser)
    return Server("baseline", directory, settings, env, wsgi="article.wsgi")


def template_server(name, project, options, database_url=None):
    """Return how to serve a baked project: production settings, its gunicorn.py."""
    env = production_environment(
        project,
        DJANGO_SECURE_SSL_REDIRECT="false",
        # The benchmark measures the service, not its brute-force limiter:
        # the limits are raised far above the load (the counting still runs).
        **dict.fromkeys(
            [*GENEROUS_THROTTLE_RATES, "DJANGO_THROTTLE_MFA_PER_CLIENT"],
            "1000000/second",
        ),
        # The superuser logs in for the warm-up's /api/ load: with the default,
        # staff without a device get only an enrolment token (the two-factor
        # rows log in users who are not staff, whatever this says).
        MFA_REQUIRED_FOR_STAFF="false",
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
    return Server(name, project, PRODUCTION_SETTINGS, env, config="config/gunicorn.py")


def without_claims_hook(server):
    """Return ``server``'s project served again with no claims hook (JWT_CLAIMS_HOOK="")."""
    return Server(
        "no_hook",
        server.project,
        server.settings,
        server.env | {"JWT_CLAIMS_HOOK": ""},
        config=server.config,
    )


def create_service_client(server):
    """Create a service client in the server's project; return its id and secret."""
    printed = manage(
        server.project,
        *("create_service_client", f"bench-{time.monotonic_ns()}", "--scope", "bench"),
        settings=server.settings,
        env=dict(server.env),
    ).stdout
    credentials = dict(line.split("=", 1) for line in printed.split())
    return credentials["client_id"], credentials["client_secret"]


@contextmanager
def serving(servers, workers):
    """Serve every server with ``workers`` gunicorn workers; logs beside the projects."""
    with ExitStack() as stack:
        for server in servers:
            server.url = stack.enter_context(
                served(
                    server.project,
                    workers,
                    server.settings,
                    server.env,
                    wsgi=server.wsgi,
                    config=server.config,
                    log=server.project.parent / f"{server.name}-gunicorn.log",
                    port=server.port,
                )
            )
        yield servers


# Through the project's obtain serializer, as a login makes them (with a
# session each, when the project has sessions).
ISSUE_REFRESH_TOKENS = """
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.module_loading import import_string
from rest_framework_simplejwt.settings import api_settings

user = get_user_model().objects.get(username={username!r})
obtain = import_string(api_settings.TOKEN_OBTAIN_SERIALIZER)(context={{}})
with transaction.atomic(), open({path!r}, "w") as tokens:
    for _ in range({count}):
        tokens.write(str(obtain.get_token(user)) + "\\n")
"""


def issue_refresh_tokens(server, path, count):
    """Write ``count`` fresh refresh tokens of the server's project to ``path``."""
    script = ISSUE_REFRESH_TOKENS.format(username=USERNAME, path=str(path), count=count)
    manage(
        server.project,
        *("shell", "--no-imports", "-c", script),
        settings=server.settings,
        env=dict(server.env),
    )
    return path
