"""Load the served projects with wrk, alternating the servers within each round."""

import argparse
import json
import re
import secrets
import time
import uuid

from benchmarks.run.idle import wait_until_idle
from benchmarks.run.key_set_proxy import CountingProxy
from benchmarks.run.logins import (
    PLAIN_EMAIL,
    PLAIN_USERNAME,
    create_login_users,
    drive,
    password_login,
    totp_login,
)
from benchmarks.run.projects import (
    BENCHMARKS,
    CLAIMS,
    USERNAME,
    VARIANTS,
    article_server,
    bake,
    create_service_client,
    issue_refresh_tokens,
    serving,
    template_server,
    without_claims_hook,
)
from benchmarks.run.strangers import strangers
from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import manage, run
from tests.support.databases import drop_database
from tests.support.serving import free_port


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


# The first password hasher of a project, checking one password for two
# seconds of this process's CPU time: what a login cannot be faster than.
CHECK_PASSWORDS = """
import time
from django.contrib.auth.hashers import check_password, make_password

encoded = make_password("a benchmark password")
checks, started = 0, time.process_time()
while time.process_time() - started < 2:
    check_password("a benchmark password", encoded)
    checks += 1
print(checks / (time.process_time() - started))
"""


class Loads:
    """The loads of one benchmark, each as a function of a server."""

    def __init__(self, options, workdir):
        self.options = options
        self.workdir = workdir
        # The benchmark's own users of a server, made on its first login load.
        self.login_users = {}

    def users_of(self, server):
        if server.name not in self.login_users:
            self.login_users[server.name] = create_login_users(server, self.workdir)
        return self.login_users[server.name]

    def post_json(self, server, path, body):
        """wrk posting the same JSON body to ``path`` on every request."""
        return wrk(
            f"{server.url}{path}",
            self.options,
            script="post_json.lua",
            script_args=[json.dumps(body)],
        )

    def health(self, server):
        return wrk(f"{server.url}/api/health/", self.options)

    def health_padded(self, server):
        """Health with a header as long as the access token's: /api/'s floor."""
        padding = "x" * len(server.tokens()["access"])
        return wrk(
            f"{server.url}/api/health/",
            self.options,
            headers=[f"X-Padding: Bearer {padding}"],
        )

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

    def api_beside_strangers(self, server):
        """``api`` while tokens with unknown kids come too: the issuer answers them."""
        with strangers(server, senders=self.options.workers) as tally:
            outcome = self.api(server)
        return outcome | {"strangers": tally}

    def api_issuer_hung(self, server):
        """``api_beside_strangers`` with every key set fetch hanging (a verifier's)."""
        with server.key_set.hung():
            return self.api_beside_strangers(server)

    def jwks(self, server):
        return wrk(f"{server.url}/.well-known/jwks.json", self.options)

    def password_check(self, server):
        """Password checks per second of one core, with the server's hasher."""
        printed = manage(
            server.project,
            *("shell", "--no-imports", "-c", CHECK_PASSWORDS),
            settings=server.settings,
            env=dict(server.env),
        ).stdout
        return {"rate": float(printed.split()[-1]), "failed": 0}

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

    def client_grant(self, server):
        """The client credentials grant of a service client (in the JSON body)."""
        if server.client is None:
            server.client = create_service_client(server)
        client_id, secret = server.client
        body = json.dumps(
            {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            }
        )
        return wrk(
            f"{server.url}/api/token/client/",
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

    def reset_known(self, server):
        """A password reset request for an address that has an account."""
        self.users_of(server)
        return self.post_json(
            server, "/api/account/password/reset/", {"email": PLAIN_EMAIL}
        )

    def reset_unknown(self, server):
        """The same request for an address nobody has."""
        body = {"email": "nobody-here@example.com"}
        return self.post_json(server, "/api/account/password/reset/", body)

    def plain_login(self, server):
        """POST /api/token/ of a user who is not staff and has no second factor."""
        password = self.users_of(server).password
        body = {"username": PLAIN_USERNAME, "password": password}
        return self.post_json(server, "/api/token/", body)

    def signup(self, server):
        """A sign-up of a new user on every request (Argon2 hashes its password)."""
        prefix = f"s{time.monotonic_ns():x}"
        return wrk(
            f"{server.url}/api/account/signup/",
            self.options,
            script="signup_unique.lua",
            script_args=[prefix, secrets.token_urlsafe(16)],
        )

    def password_login_driven(self, server):
        """``plain_login`` through the Python driver of the two-factor login."""
        users = self.users_of(server)
        return drive(lambda: password_login(server, users), self.options)

    def totp_login_driven(self, server):
        """A login with a password, then a TOTP code (pyotp's) for the mfa_token."""
        users = self.users_of(server)
        return drive(lambda: totp_login(server, users), self.options)

    def refresh_once(self, server):
        # Enough single-use tokens for a fast server's whole run: one that runs
        # out replays spent ones, which the grace window answers cheaply (200).
        count = 2000 * self.options.duration
        path = issue_refresh_tokens(server, self.workdir / "refresh-tokens.txt", count)
        return wrk(
            f"{server.url}/api/token/refresh/",
            self.options,
            script="refresh_once.lua",
            script_args=[str(path), str(self.options.threads)],
        )


def measure_rates(options, workdir, servers):
    """Return ``{load: {server: [rates]}}``, alternating servers within each round."""
    baseline, ours, rotation, cookie, accounts, issuer, verifier, no_hook = servers
    loads = Loads(options, workdir)
    plan = [
        # The auth cost on every request, header and cookie transports: each
        # server's /api/ right after its health, as their ratio pairs them.
        ("health", loads.health, (baseline,)),
        ("api", loads.api, (baseline,)),
        # The same request's size without a token: what /api/ costs beyond it.
        ("health_padded", loads.health_padded, (ours,)),
        ("health", loads.health, (ours,)),
        ("api", loads.api, (ours,)),
        ("health", loads.health, (cookie,)),
        ("api", loads.api, (cookie,)),
        # The login's floor: its hasher (Argon2id; the article's PBKDF2).
        ("password_check", loads.password_check, (baseline, ours)),
        # Ours with the default claims hook (roles) and without any.
        ("obtain", loads.obtain, (baseline, ours, no_hook)),
        ("refresh", loads.refresh, (baseline, ours, no_hook)),
        ("client_grant", loads.client_grant, (ours,)),
        ("refresh_cookie", loads.refresh_cookie, (cookie,)),
        ("refresh_rotation", loads.refresh_once, (rotation,)),
        # The accounts and two-factor rows: pairs measured one after the other.
        ("reset_unknown", loads.reset_unknown, (accounts,)),
        ("reset_known", loads.reset_known, (accounts,)),
        ("plain_login", loads.plain_login, (accounts,)),
        ("signup", loads.signup, (accounts,)),
        ("password_login", loads.password_login_driven, (accounts,)),
        ("totp_login", loads.totp_login_driven, (accounts,)),
        # Ratios within one server: each load right after its health.
        ("health", loads.health, (issuer,)),
        ("api", loads.api, (issuer,)),
        ("jwks", loads.jwks, (issuer,)),
        ("health", loads.health, (verifier,)),
        ("api", loads.api, (verifier,)),
        # Unknown kids beside the load, their issuer answering, then hung.
        ("api_strangers", loads.api_beside_strangers, (verifier,)),
        ("api_issuer_hung", loads.api_issuer_hung, (verifier,)),
    ]
    if options.only:
        plan = [step for step in plan if step[0] in options.only]
    warm_up = argparse.Namespace(**{**vars(options), "duration": 2})
    for server in servers:
        Loads(warm_up, workdir).health(server)
        Loads(warm_up, workdir).api(server)
    wait_until_idle()
    results = {}
    for round_number in range(1, options.rounds + 1):
        for name, load, targets in plan:
            for server in targets:
                outcome = load(server)
                wait_until_idle()
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
        servers.append(without_claims_hook(servers[1]))
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
