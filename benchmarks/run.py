"""Benchmark a baked project against the seed article's configuration, side by side.

    python benchmarks/run.py                        # the full run (about 7 minutes)
    python benchmarks/run.py --quick                # one short round, to try it
    python benchmarks/run.py --database postgresql  # all three on PostgreSQL
    python benchmarks/run.py --help

Run it with a Python that has the template's test requirements and the
generated project's dependencies (the test environment of README.md). It needs
wrk (https://github.com/wg/wrk; ``apt-get install wrk`` on Debian and Ubuntu).

What it does, in one run:

1. bakes the default project (``setup_environment=current``, the timed "bake
   with dependencies present"), a project with refresh rotation and blacklist,
   and builds the article's project step by step (``startproject``, its
   settings, its views, Django's default PBKDF2 hasher, no connection reuse);
2. serves each with gunicorn (same worker count; ours through its
   ``config/gunicorn.py`` and production settings);
3. loads each endpoint with wrk, alternating the servers, ``--rounds`` times,
   and keeps the median of the rounds;
4. bakes the project as a newcomer would: a fresh ``.venv`` with uv, and
   with pip;
5. prints a table of rates and ratios, and writes every measurement as JSON.

Ratios between servers measured in the same run are what to compare across
machines; absolute rates depend on the machine and on what else it runs.
"""

import argparse
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
TEMPLATE = BENCHMARKS.parent
PASSWORD = "benchmark-password-4821"
USERNAME = "admin"
ROTATION_ANSWERS = {"rotate_refresh_tokens": "yes", "blacklist_after_rotation": "yes"}
THROTTLE_VARIABLES = (
    "DJANGO_THROTTLE_OBTAIN_PER_CLIENT",
    "DJANGO_THROTTLE_OBTAIN_PER_USERNAME",
    "DJANGO_THROTTLE_REFRESH_PER_CLIENT",
)
TARGETS = {
    "api_vs_health": 0.90,
    "obtain_vs_baseline": 3.0,
    "refresh_rotation_vs_baseline": 1.0,
    "bake_current_seconds": 2.0,
    "bake_newcomer_uv_seconds": 10.0,
}


# Running things -------------------------------------------------------------


def run(command, cwd=None, env=None, timeout=900):
    """Run ``command``; return its output, or exit with it when it fails."""
    completed = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if completed.returncode != 0:
        sys.exit(
            f"{' '.join(map(str, command))} failed (exit {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def clean_env(**overrides):
    """Return this environment without variables that would leak into a project."""
    leaking = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VIRTUAL_ENV", "REDIS_URL"}
    env = {key: value for key, value in os.environ.items() if key not in leaking}
    env.update(overrides)
    return env


def timed(function, *args, **kwargs):
    """Return ``(result, seconds)`` of calling ``function``."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post_json(url, body, timeout=120):
    """POST ``body`` as JSON; return the decoded answer, or exit on an error status."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        sys.exit(f"POST {url} answered {error.code}: {error.read()[:500]!r}")


# The projects -----------------------------------------------------------------


def bake(template, output_dir, answers, **env_overrides):
    """Bake the template with cookiecutter's command; return ``(project, seconds)``."""
    output_dir.mkdir(parents=True, exist_ok=True)
    arguments = [f"{name}={value}" for name, value in answers.items()]
    env = clean_env(
        DJANGO_SUPERUSER_PASSWORD=PASSWORD, TEMPLATE_STRICT_SETUP="1", **env_overrides
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
    _, seconds = timed(run, [*command, *arguments], env=env)
    (project,) = (child for child in output_dir.iterdir() if child.is_dir())
    return project, seconds


ARTICLE_SETTINGS = """

# Added by the article's steps.
INSTALLED_APPS += ["rest_framework", "api"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework_simplejwt.authentication.JWTAuthentication",
    ],
}

# Added for the benchmark: serve as in production, like the other project.
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
"""

ARTICLE_PROJECT_URLS = """from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
]
"""

ARTICLE_API_URLS = """from django.urls import path
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from . import views

urlpatterns = [
    path("token/", TokenObtainPairView.as_view(), name="token_obtain_pair"),
    path("token/refresh/", TokenRefreshView.as_view(), name="token_refresh"),
    path("", views.HelloView.as_view(), name="hello_world"),
    path("health/", views.HealthView.as_view(), name="health"),
]
"""

ARTICLE_VIEWS = """from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView


class HelloView(APIView):
    permission_classes = (IsAuthenticated,)

    def get(self, request):
        content = {"message": "Hello, PythonForDeveloper"}
        return Response(content)


# Not in the article: the unauthenticated reference, the same as the template's.
class HealthView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request):
        return Response({"status": "ok"})
"""


def build_article_project(directory, database_url=None):
    """Follow the seed article: startproject, startapp, its settings and views.

    With ``database_url`` (PostgreSQL), the project uses that database instead
    of SQLite, still without connection reuse, as Django's defaults have it.
    """
    directory.mkdir(parents=True)
    env = clean_env()
    run([sys.executable, "-m", "django", "startproject", "article", directory], env=env)
    run([sys.executable, "manage.py", "startapp", "api"], cwd=directory, env=env)
    with (directory / "article" / "settings.py").open("a") as settings:
        settings.write(ARTICLE_SETTINGS)
        if database_url:
            create_postgres_database(database_url)
            settings.write(
                ARTICLE_POSTGRES_SETTINGS.format(**postgres_parts(database_url))
            )
    (directory / "article" / "urls.py").write_text(ARTICLE_PROJECT_URLS)
    (directory / "api" / "urls.py").write_text(ARTICLE_API_URLS)
    (directory / "api" / "views.py").write_text(ARTICLE_VIEWS)
    run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=directory, env=env)
    superuser = clean_env(
        DJANGO_SUPERUSER_USERNAME=USERNAME,
        DJANGO_SUPERUSER_EMAIL="admin@example.com",
        DJANGO_SUPERUSER_PASSWORD=PASSWORD,
    )
    run(
        [sys.executable, "manage.py", "createsuperuser", "--noinput"],
        cwd=directory,
        env=superuser,
    )
    return directory


ARTICLE_POSTGRES_SETTINGS = """
# Added for a benchmark on PostgreSQL.
DATABASES = {{
    "default": {{
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "{name}",
        "USER": "{user}",
        "HOST": "{host}",
        "PORT": "{port}",
    }},
}}
"""


def postgres_parts(url):
    """Return the parts of a ``postgres://user@host:port/name`` URL."""
    parsed = urllib.parse.urlsplit(url)
    return {
        "name": parsed.path.lstrip("/"),
        "user": parsed.username or "postgres",
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
    }


def postgres_admin_connection(url):
    import psycopg  # noqa: PLC0415 - only PostgreSQL runs need it

    parts = postgres_parts(url)
    return psycopg.connect(
        dbname="postgres",
        user=parts["user"],
        host=parts["host"],
        port=parts["port"],
        autocommit=True,
    )


def create_postgres_database(url):
    from psycopg import sql  # noqa: PLC0415

    with postgres_admin_connection(url) as connection:
        name = sql.Identifier(postgres_parts(url)["name"])
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_postgres_database(url):
    from psycopg import sql  # noqa: PLC0415

    with postgres_admin_connection(url) as connection:
        name = sql.Identifier(postgres_parts(url)["name"])
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name)
        )


class Server:
    """A project served by gunicorn on a free local port."""

    def __init__(self, name, project, command, env):
        self.name = name
        self.project = project
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [*command, "--bind", f"127.0.0.1:{self.port}"]
        self.env = env
        self.process = None

    @classmethod
    def for_template_project(cls, name, project, options, database_url=None):
        env = clean_env(
            DJANGO_SETTINGS_MODULE="config.settings.production",
            DATABASE_URL=database_url or f"sqlite:///{project / 'db.sqlite3'}",
            DJANGO_SECURE_SSL_REDIRECT="false",
            WEB_CONCURRENCY=str(options.workers),
            # The benchmark measures the service, not its brute-force limiter:
            # the limits are raised far above the load (the counting still runs).
            **dict.fromkeys(THROTTLE_VARIABLES, "1000000/second"),
        )
        if options.redis_url:
            env["REDIS_URL"] = options.redis_url
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "config/gunicorn.py",
            "config.wsgi",
        ]
        return cls(name, project, command, env)

    @classmethod
    def for_article_project(cls, project, workers):
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "article.wsgi",
            "--workers",
            str(workers),
        ]
        return cls("baseline", project, command, clean_env())

    def start(self):
        log = (self.project.parent / f"{self.name}-gunicorn.log").open("w")
        self.process = subprocess.Popen(
            self.command,
            cwd=self.project,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn for {self.name} exited; see {log.name}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/health/", timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        sys.exit(f"gunicorn for {self.name} did not answer within 60 s; see {log.name}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def tokens(self):
        body = {"username": USERNAME, "password": PASSWORD}
        return post_json(f"{self.url}/api/token/", body)


@contextmanager
def serving(servers):
    with ExitStack() as stack:
        for server in servers:
            stack.callback(server.stop)
            server.start()
        yield servers


ISSUE_REFRESH_TOKENS = """
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework_simplejwt.tokens import RefreshToken

user = get_user_model().objects.get(username={username!r})
with transaction.atomic(), open({path!r}, "w") as tokens:
    for _ in range({count}):
        tokens.write(str(RefreshToken.for_user(user)) + "\\n")
"""


def issue_refresh_tokens(server, path, count):
    """Write ``count`` fresh refresh tokens of the server's project to ``path``."""
    script = ISSUE_REFRESH_TOKENS.format(username=USERNAME, path=str(path), count=count)
    run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", script],
        cwd=server.project,
        env=server.env,
    )
    return path


# Load -------------------------------------------------------------------------


def wrk(url, options, *, headers=(), script=None, script_args=()):
    """Load ``url`` with wrk; return requests per second and the failed requests."""
    command = [
        "wrk",
        f"--threads={options.threads}",
        f"--connections={options.connections}",
        f"--duration={options.duration}s",
        "--timeout=60s",
    ]
    for header in headers:
        command += ["--header", header]
    if script:
        command += ["--script", BENCHMARKS / script]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = run(command)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    failed = sum(
        int(count) for count in re.findall(r"Non-2xx or 3xx responses: (\d+)", output)
    )
    errors = re.search(r"Socket errors: (.*)", output)
    failed += sum(int(n) for n in re.findall(r"\d+", errors[1])) if errors else 0
    return {"rate": rate, "failed": failed}


class Loads:
    """The loads of one benchmark, each as a function of a server."""

    def __init__(self, options, workdir):
        self.options = options
        self.workdir = workdir

    def health(self, server):
        return wrk(f"{server.url}/api/health/", self.options)

    def api(self, server):
        # A fresh access token: the run outlasts the default 5-minute lifetime.
        access = server.tokens()["access"]
        return wrk(
            f"{server.url}/api/",
            self.options,
            headers=[f"Authorization: Bearer {access}"],
        )

    def obtain(self, server):
        body = json.dumps({"username": USERNAME, "password": PASSWORD})
        return wrk(
            f"{server.url}/api/token/",
            self.options,
            script="post_json.lua",
            script_args=[body],
        )

    def refresh(self, server):
        body = json.dumps({"refresh": server.tokens()["refresh"]})
        return wrk(
            f"{server.url}/api/token/refresh/",
            self.options,
            script="post_json.lua",
            script_args=[body],
        )

    def refresh_once(self, server):
        # Enough single-use tokens for a fast server's whole run.
        count = 1000 * self.options.duration
        path = issue_refresh_tokens(server, self.workdir / "refresh-tokens.txt", count)
        return wrk(
            f"{server.url}/api/token/refresh/",
            self.options,
            script="refresh_once.lua",
            script_args=[str(path), str(self.options.threads)],
        )


def measure_rates(options, workdir, servers):
    """Return ``{load: {server: [rates]}}``, alternating servers within each round."""
    baseline, ours, rotation = servers
    loads = Loads(options, workdir)
    plan = [
        ("health", loads.health, (baseline, ours)),
        ("api", loads.api, (baseline, ours)),
        ("obtain", loads.obtain, (baseline, ours)),
        ("refresh", loads.refresh, (baseline, ours)),
        ("refresh_rotation", loads.refresh_once, (rotation,)),
    ]
    warm_up = argparse.Namespace(**{**vars(options), "duration": 2})
    for server in servers:
        Loads(warm_up, workdir).health(server)
        Loads(warm_up, workdir).api(server)
    results = {}
    for round_number in range(1, options.rounds + 1):
        for name, load, targets in plan:
            for server in targets:
                outcome = load(server)
                print(
                    f"  round {round_number}: {name:<17} {server.name:<9} "
                    f"{outcome['rate']:9.1f} req/s"
                    + (f"  ({outcome['failed']} failed!)" if outcome["failed"] else ""),
                    flush=True,
                )
                results.setdefault(name, {}).setdefault(server.name, []).append(outcome)
    return results


def measure_all_rates(options, workdir):
    """Bake and build the three projects, serve them, and load them."""
    print("Baking the projects and building the article's project...", flush=True)
    databases = {}
    if options.database == "postgresql":
        run_id = uuid.uuid4().hex[:8]
        databases = {
            name: f"{options.postgres_url}/bench_{name}_{run_id}"
            for name in ("baseline", "ours", "rotation")
        }
    try:
        servers = []
        article = build_article_project(
            workdir / "baseline" / "article_service", databases.get("baseline")
        )
        servers.append(Server.for_article_project(article, options.workers))
        for name, extra_answers in (("ours", {}), ("rotation", ROTATION_ANSWERS)):
            answers = {"setup_environment": "current", **extra_answers}
            env = {}
            if databases:
                answers["database"] = "postgresql"
                env["DATABASE_URL"] = databases[name]
            project, _ = bake(options.template, workdir / name, answers, **env)
            servers.append(
                Server.for_template_project(name, project, options, databases.get(name))
            )
        print("Measuring request rates...", flush=True)
        with serving(servers):
            return measure_rates(options, workdir, servers)
    finally:
        for url in databases.values():
            drop_postgres_database(url)


# Bakes ------------------------------------------------------------------------


def measure_bakes(options, workdir):
    """Return bake times: dependencies present, and newcomers with uv and with pip."""
    print("Measuring bake times...", flush=True)
    results = {"current": [], "newcomer_uv": [], "newcomer_pip": []}
    for index in range(options.bakes):
        answers = {"setup_environment": "current"}
        _, seconds = bake(options.template, workdir / f"bake-current-{index}", answers)
        print(f"  bake with dependencies present: {seconds:.2f} s", flush=True)
        results["current"].append(seconds)
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv is None:
        print("  uv is not installed: no newcomer bake with uv", flush=True)
    paths = {
        "newcomer_uv": f"{Path(uv).parent}{os.pathsep}{os.environ['PATH']}"
        if uv
        else None,
        "newcomer_pip": without_uv(os.environ["PATH"]),
    }
    runs = {"newcomer_uv": options.newcomer_runs, "newcomer_pip": options.pip_runs}
    for name, path in paths.items():
        for index in range(runs[name] if path else 0):
            env = {"PATH": path}
            if options.cold_caches:
                caches = workdir / f"caches-{name}-{index}"
                env |= {
                    "UV_CACHE_DIR": str(caches / "uv"),
                    "PIP_CACHE_DIR": str(caches / "pip"),
                }
            answers = {"setup_environment": "venv"}
            project, seconds = bake(
                options.template, workdir / f"bake-{name}-{index}", answers, **env
            )
            print(
                f"  bake as a {name.replace('_', ' with ')}: {seconds:.2f} s",
                flush=True,
            )
            results[name].append(seconds)
            shutil.rmtree(project / ".venv")
    return results


def without_uv(path):
    """Return ``path`` without the directories that hold a uv executable."""
    kept = [
        entry for entry in path.split(os.pathsep) if not (Path(entry) / "uv").exists()
    ]
    return os.pathsep.join(kept)


# Report -----------------------------------------------------------------------


def median(values):
    return statistics.median(values) if values else None


def paired_ratio(numerators, denominators):
    """Return the median of the per-round ratios.

    Each round measures both sides within seconds of each other, so its ratio
    is steadier than a ratio of medians when other work comes and goes.
    """
    return median([n / d for n, d in zip(numerators, denominators, strict=False) if d])


def summary(rates, bakes):
    """Return the rows of the table: ``(label, baseline, ours, ratio, target)``.

    ``target`` is None or ``(kind, bound)``: kind "ratio" bounds ours/baseline,
    "ours" bounds our value from below, "max" from above.
    """

    def rates_of(load, server):
        return [outcome["rate"] for outcome in rates.get(load, {}).get(server, [])]

    def rate_row(label, load, target=None, ours_load=None, ours_server="ours"):
        baseline = rates_of(load, "baseline")
        ours_rates = rates_of(ours_load or load, ours_server)
        return (
            label,
            median(baseline),
            median(ours_rates),
            paired_ratio(ours_rates, baseline),
            target,
        )

    rows = [
        rate_row("GET /api/health/ (req/s)", "health"),
        rate_row("GET /api/ with a JWT (req/s)", "api"),
        (
            "  /api/ rate / health rate",
            paired_ratio(rates_of("api", "baseline"), rates_of("health", "baseline")),
            paired_ratio(rates_of("api", "ours"), rates_of("health", "ours")),
            None,
            ("ours", TARGETS["api_vs_health"]),
        ),
        rate_row(
            "POST /api/token/ (req/s)",
            "obtain",
            target=("ratio", TARGETS["obtain_vs_baseline"]),
        ),
        rate_row("POST /api/token/refresh/, no rotation (req/s)", "refresh"),
        rate_row(
            "  ours with rotation + blacklist (req/s)",
            "refresh",
            target=("ratio", TARGETS["refresh_rotation_vs_baseline"]),
            ours_load="refresh_rotation",
            ours_server="rotation",
        ),
    ]
    for name, label, target in (
        ("current", "bake, dependencies present (s)", TARGETS["bake_current_seconds"]),
        (
            "newcomer_uv",
            "bake, newcomer with uv (s)",
            TARGETS["bake_newcomer_uv_seconds"],
        ),
        ("newcomer_pip", "bake, newcomer with pip (s)", None),
    ):
        seconds = statistics.median(bakes[name]) if bakes.get(name) else None
        rows.append((label, None, seconds, None, ("max", target) if target else None))
    return rows


def target_met(row):
    _label, _baseline, ours, ratio, target = row
    if target is None:
        return None
    kind, bound = target
    if kind == "max":
        return None if ours is None else ours <= bound
    value = ratio if kind == "ratio" else ours
    return None if value is None else value >= bound


def format_table(rows):
    def cell(value):
        if value is None:
            return "-"
        return f"{value:.2f}" if value < 100 else f"{value:.0f}"

    lines = [
        f"{'measure':<46}{'baseline':>10}{'ours':>10}{'ours/base':>11}  target",
        "-" * 90,
    ]
    for row in rows:
        label, baseline, ours, ratio, target = row
        goal = ""
        if target:
            kind, bound = target
            symbol = "<=" if kind == "max" else ">="
            subject = {"ratio": "ours/base", "ours": "ours", "max": "ours"}[kind]
            met = target_met(row)
            verdict = "met" if met else ("NOT met" if met is False else "?")
            goal = f"{subject} {symbol} {bound:g}: {verdict}"
        lines.append(
            f"{label:<46}{cell(baseline):>10}{cell(ours):>10}{cell(ratio):>11}  {goal}"
        )
    return "\n".join(lines)


def conditions(options):
    """Return one line that says how the rates were measured."""
    return (
        f"{options.database}; gunicorn with {options.workers} sync workers per server; "
        f"wrk -t{options.threads} -c{options.connections}; medians of "
        f"{options.rounds} rounds of {options.duration} s; {os.cpu_count()} CPUs."
    )


def machine():
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


# Command line -----------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--template", type=Path, default=TEMPLATE, help="the template to bake"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of every load (median kept)"
    )
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of each wrk run"
    )
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--workers", type=int, default=2, help="gunicorn workers per server"
    )
    parser.add_argument(
        "--bakes", type=int, default=5, help="timed bakes with dependencies present"
    )
    parser.add_argument(
        "--newcomer-runs", type=int, default=3, help="timed newcomer bakes with uv"
    )
    parser.add_argument(
        "--pip-runs", type=int, default=1, help="timed newcomer bakes with pip"
    )
    parser.add_argument(
        "--skip-bakes", action="store_true", help="measure request rates only"
    )
    parser.add_argument(
        "--skip-rates", action="store_true", help="measure bake times only"
    )
    parser.add_argument(
        "--quick", action="store_true", help="one 5-second round, one bake of each kind"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=BENCHMARKS / "results" / time.strftime("run-%Y%m%d-%H%M%S.json"),
        help="where to write the measurements",
    )
    parser.add_argument(
        "--cold-caches",
        action="store_true",
        help="newcomer bakes with empty uv and pip caches (downloads every package)",
    )
    parser.add_argument(
        "--database",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="the database of all three served projects (default: SQLite, the article's)",
    )
    parser.add_argument(
        "--postgres-url",
        default="postgres://postgres@127.0.0.1:5432",
        help="the PostgreSQL server for --database postgresql (databases are made and dropped)",
    )
    parser.add_argument(
        "--redis-url",
        help="serve our projects with this REDIS_URL (default: file cache)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    options = parser.parse_args(argv)
    if options.quick:
        options.rounds, options.duration, options.bakes = 1, 5, 1
        options.newcomer_runs, options.pip_runs = 1, 1
    return options


def main(argv=None):
    options = parse_args(argv)
    if not options.skip_rates and shutil.which("wrk") is None:
        sys.exit(
            "wrk is not installed. On Debian or Ubuntu: sudo apt-get install -y wrk; "
            "on macOS: brew install wrk."
        )
    workdir = Path(tempfile.mkdtemp(prefix="template-benchmark-"))
    print(f"Working in {workdir}", flush=True)
    report = {
        "machine": machine(),
        "options": {k: str(v) for k, v in vars(options).items()},
    }
    try:
        rates = {} if options.skip_rates else measure_all_rates(options, workdir)
        bakes = {} if options.skip_bakes else measure_bakes(options, workdir)
    finally:
        if not options.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    rows = summary(rates, bakes)
    table = format_table(rows)
    report |= {
        "rates": rates,
        "bakes": bakes,
        "table": [
            dict(
                zip(
                    ("measure", "baseline", "ours", "ratio", "target"), row, strict=True
                )
            )
            | {"met": target_met(row)}
            for row in rows
        ],
    }
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\n{table}\n\n{conditions(options)}\nEvery measurement: {options.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
