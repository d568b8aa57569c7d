"""Benchmark a baked project against the seed article's configuration, side by side.

    python benchmarks/run.py                        # the full run (about 10 minutes)
    python benchmarks/run.py --quick                # one short round, to try it
    python benchmarks/run.py --database postgresql  # every project on PostgreSQL
    python benchmarks/run.py --help

Run it with a Python that has the template's test requirements and the
generated project's dependencies (the test environment of README.md). It needs
wrk (https://github.com/wg/wrk; ``apt-get install wrk`` on Debian and Ubuntu).

What it does, in one run:

1. bakes the default project (``setup_environment=current``, the timed "bake
   with dependencies present"), a project with refresh rotation and blacklist,
   a project with the cookie transport (refresh token in a cookie, CSRF
   checked), an ES256 issuer and a verifier of its tokens
   (``service_role=verifier``), and sets up the article's project
   (``jwt_authentication_with_drf/``: its settings and views, Django's default
   PBKDF2 hasher, no connection reuse);
2. serves each with gunicorn (same worker count; ours through its
   ``config/gunicorn.py`` and production settings); the verifier fetches the
   issuer's key set through a local proxy that counts the fetches;
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
import statistics
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent
TEMPLATE = BENCHMARKS.parent
# The helpers it shares with the template's tests: run commands, serve, speak HTTP.
sys.path.insert(0, str(TEMPLATE))

from tests.support.baking import SUPERUSER_PASSWORD  # noqa: E402
from tests.support.commands import manage, project_env, run  # noqa: E402
from tests.support.databases import (  # noqa: E402
    POSTGRES_URL,
    create_database,
    drop_database,
)
from tests.support.serving import (  # noqa: E402
    GENEROUS_THROTTLE_RATES,
    PRODUCTION_SETTINGS,
    free_port,
    http,
    production_environment,
    served,
)

ARTICLE_PROJECT = BENCHMARKS / "jwt_authentication_with_drf"
USERNAME = "admin"
ROTATION_ANSWERS = {"rotate_refresh_tokens": "yes", "blacklist_after_rotation": "yes"}
COOKIE_ANSWERS = {"token_transport": "cookie"}
# An issuer whose keys others can fetch, and a service that trusts its tokens.
ISSUER_ANSWERS = {"jwt_algorithm": "ES256"}
VERIFIER_ANSWERS = {"jwt_algorithm": "ES256", "service_role": "verifier"}
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
    "issuer": ISSUER_ANSWERS,
    "verifier": VERIFIER_ANSWERS,
}
TARGETS = {
    "api_vs_health": 0.90,
    "obtain_vs_baseline": 3.0,
    "refresh_rotation_vs_baseline": 1.0,
    "refresh_cookie_vs_header": 0.90,
    "issuer_api_vs_health": 0.90,
    "jwks_vs_health": 0.90,
    "verifier_api_vs_health": 0.90,
    # A handful (a worker that restarts asks again), not one per request.
    "verifier_key_set_fetches": 5,
    "bake_current_seconds": 2.0,
    "bake_newcomer_uv_seconds": 10.0,
}


def timed(function, *args, **kwargs):
    """Return ``(result, seconds)`` of calling ``function``."""
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


# The projects -----------------------------------------------------------------


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
        **dict.fromkeys(GENEROUS_THROTTLE_RATES, "1000000/second"),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    if options.redis_url:
        env["REDIS_URL"] = options.redis_url
    return Server(name, project, PRODUCTION_SETTINGS, env, config="config/gunicorn.py")


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


class CountingProxy:
    """A local HTTP proxy to ``upstream`` that counts the requests it forwards.

    The verifier's ``JWT_JWKS_URL`` points here, so every time it fetches the
    issuer's key set is counted: the proof that it verifies tokens without
    calling the issuer on each request.
    """

    def __init__(self, upstream):
        self.upstream = upstream
        self.count = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def _handler(self):
        proxy = self

        class Forward(BaseHTTPRequestHandler):
            def do_GET(self):
                with proxy._lock:
                    proxy.count += 1
                status, headers, body = http("GET", proxy.upstream + self.path)
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if headers.get("Cache-Control"):
                    self.send_header("Cache-Control", headers["Cache-Control"])
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Forward

    def __enter__(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()


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
    output = run(command, BENCHMARKS).stdout
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
        fetched_before = server.key_set.count if server.key_set else None
        outcome = wrk(
            f"{server.url}/api/",
            self.options,
            headers=[f"Authorization: Bearer {access}"],
        )
        if server.key_set:
            outcome["key_set_fetches"] = server.key_set.count - fetched_before
        return outcome

    def jwks(self, server):
        return wrk(f"{server.url}/.well-known/jwks.json", self.options)

    def obtain(self, server):
        body = json.dumps({"username": USERNAME, "password": SUPERUSER_PASSWORD})
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

    def refresh_cookie(self, server):
        # The browser's request: the refresh and CSRF cookies, the CSRF header.
        cookies = server.cookies()
        return wrk(
            f"{server.url}/api/token/refresh/",
            self.options,
            headers=[
                "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()),
                f"X-CSRFToken: {cookies['csrftoken']}",
            ],
            script="post_json.lua",
            script_args=[""],
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
    baseline, ours, rotation, cookie, issuer, verifier = servers
    loads = Loads(options, workdir)
    plan = [
        ("health", loads.health, (baseline, ours)),
        ("api", loads.api, (baseline, ours)),
        ("obtain", loads.obtain, (baseline, ours)),
        ("refresh", loads.refresh, (baseline, ours)),
        ("refresh_cookie", loads.refresh_cookie, (cookie,)),
        ("refresh_rotation", loads.refresh_once, (rotation,)),
        # Ratios within one server: each load right after its health.
        ("health", loads.health, (issuer,)),
        ("api", loads.api, (issuer,)),
        ("jwks", loads.jwks, (issuer,)),
        ("health", loads.health, (verifier,)),
        ("api", loads.api, (verifier,)),
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
    """Set up the projects, serve them, and load them."""
    print("Baking the projects and setting up the article's project...", flush=True)
    databases = {}
    if options.database == "postgresql":
        run_id = uuid.uuid4().hex[:8]
        databases = {
            name: f"{options.postgres_url}/bench_{name}_{run_id}"
            for name in ("baseline", *VARIANTS)
        }
    try:
        servers = [
            article_server(
                workdir / "baseline" / "article_service", databases.get("baseline")
            )
        ]
        for name, extra_answers in VARIANTS.items():
            answers = {"setup_environment": "current", **extra_answers}
            env = {}
            if databases:
                answers["database"] = "postgresql"
                env["DATABASE_URL"] = databases[name]
            project, _ = bake(options.template, workdir / name, answers, **env)
            servers.append(template_server(name, project, options, databases.get(name)))
        issuer, verifier = servers[-2:]
        issuer.port = free_port()
        issuer.env |= CLAIMS
        verifier.env |= CLAIMS
        verifier.issuer = issuer
        print("Measuring request rates...", flush=True)
        with CountingProxy(f"http://127.0.0.1:{issuer.port}") as key_set:
            verifier.key_set = key_set
            verifier.env["JWT_JWKS_URL"] = f"{key_set.url}/.well-known/jwks.json"
            with serving(servers, options.workers):
                rates = measure_rates(options, workdir, servers)
            rates["key_set_fetches_whole_run"] = {"verifier": key_set.count}
            return rates
    finally:
        for url in databases.values():
            drop_database(url)


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

    def vs_health(label, load, server, target):
        """A row of one server: ``load``'s rate beside its health rate."""
        health, loaded = rates_of("health", server), rates_of(load, server)
        return (
            label,
            median(health),
            median(loaded),
            paired_ratio(loaded, health),
            ("ratio", TARGETS[target]),
        )

    verifier_loads = rates.get("api", {}).get("verifier", [])

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
        (
            "  ours, cookie transport (req/s; ratio to header)",
            median(rates_of("refresh", "ours")),
            median(rates_of("refresh_cookie", "cookie")),
            paired_ratio(
                rates_of("refresh_cookie", "cookie"), rates_of("refresh", "ours")
            ),
            ("ratio", TARGETS["refresh_cookie_vs_header"]),
        ),
        vs_health(
            "issuer, ES256: /api/ with a JWT vs health",
            "api",
            "issuer",
            "issuer_api_vs_health",
        ),
        vs_health(
            "  /.well-known/jwks.json vs health", "jwks", "issuer", "jwks_vs_health"
        ),
        vs_health(
            "verifier, ES256: /api/ with a JWT vs health",
            "api",
            "verifier",
            "verifier_api_vs_health",
        ),
        (
            "  key set fetched from the issuer under load",
            None,
            sum(outcome["key_set_fetches"] for outcome in verifier_loads)
            if verifier_loads
            else None,
            None,
            ("max", TARGETS["verifier_key_set_fetches"]),
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
        if isinstance(value, int):
            return str(value)
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
        help="the database of every served project (default: SQLite, the article's)",
    )
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL,
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
    except AssertionError as failure:  # a command or a server of the shared helpers
        sys.exit(f"The benchmark stopped: {failure}")
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
