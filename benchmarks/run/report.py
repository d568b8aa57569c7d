"""The table of a run: medians, paired ratios, and the targets they must meet."""

import os
import platform
import statistics

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
    # Valid tokens keep their rate while the issuer hangs (unknown kids beside).
    "verifier_hung_vs_healthy": 0.90,
    # An unknown kid is answered at once, not after the key set fetch's deadline.
    "verifier_unknown_kid_seconds": 1.0,
    # A reset request only enqueues its email: known and unknown addresses
    # answer alike, in time too (ratio of their rates, both ways).
    "reset_known_vs_unknown": (0.8, 1.25),
    # Argon2 dominates both: hashing a new password, checking one.
    "signup_vs_login": 0.8,
    # A TOTP login takes at most 2.5 times a password login's time (rates: 0.4).
    "totp_login_vs_password_login": 1 / 2.5,
    "bake_current_seconds": 2.0,
    "bake_newcomer_uv_seconds": 10.0,
}


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
    "ours" bounds our value from below, "max" from above; "within" keeps
    ours/baseline between the two values of ``bound``.
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

    def slowest_strangers(load):
        """The slowest answer to a token with an unknown kid, in each round."""
        outcomes = rates.get(load, {}).get("verifier", [])
        return [outcome["strangers"]["slowest"] for outcome in outcomes]

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
        (
            "  ours without the claims hook (req/s; ratio with/without)",
            median(rates_of("obtain", "no_hook")),
            median(rates_of("obtain", "ours")),
            paired_ratio(rates_of("obtain", "ours"), rates_of("obtain", "no_hook")),
            None,
        ),
        rate_row("POST /api/token/refresh/, no rotation (req/s)", "refresh"),
        (
            "  ours without the claims hook (req/s; ratio with/without)",
            median(rates_of("refresh", "no_hook")),
            median(rates_of("refresh", "ours")),
            paired_ratio(rates_of("refresh", "ours"), rates_of("refresh", "no_hook")),
            None,
        ),
        (
            "POST /api/token/client/, client credentials (req/s)",
            None,
            median(rates_of("client_grant", "ours")),
            None,
            None,
        ),
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
        (
            "  /api/ + unknown kids: issuer hung vs answering",
            median(rates_of("api_strangers", "verifier")),
            median(rates_of("api_issuer_hung", "verifier")),
            paired_ratio(
                rates_of("api_issuer_hung", "verifier"),
                rates_of("api_strangers", "verifier"),
            ),
            ("ratio", TARGETS["verifier_hung_vs_healthy"]),
        ),
        (
            "  slowest unknown-kid answer (s), answering/hung",
            median(slowest_strangers("api_strangers")),
            median(slowest_strangers("api_issuer_hung")),
            None,
            ("max", TARGETS["verifier_unknown_kid_seconds"]),
        ),
    ]
    rows += accounts_rows(rates_of)
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


def accounts_rows(rates_of):
    """The rows of the issuer with open sign-up and TOTP login ("accounts")."""

    def side_by_side(label, base_load, our_load, target):
        base, ours = rates_of(base_load, "accounts"), rates_of(our_load, "accounts")
        return (label, median(base), median(ours), paired_ratio(ours, base), target)

    return [
        side_by_side(
            "accounts: reset, unknown/known address (req/s)",
            "reset_unknown",
            "reset_known",
            ("within", TARGETS["reset_known_vs_unknown"]),
        ),
        side_by_side(
            "  sign-up vs login (req/s)",
            "plain_login",
            "signup",
            ("ratio", TARGETS["signup_vs_login"]),
        ),
        side_by_side(
            "  TOTP login vs password login (logins/s)",
            "password_login",
            "totp_login",
            ("ratio", TARGETS["totp_login_vs_password_login"]),
        ),
    ]


def target_met(row):
    _label, _baseline, ours, ratio, target = row
    if target is None:
        return None
    kind, bound = target
    if kind == "max":
        return None if ours is None else ours <= bound
    if kind == "within":
        low, high = bound
        return None if ratio is None else low <= ratio <= high
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
            met = target_met(row)
            verdict = "met" if met else ("NOT met" if met is False else "?")
            goal = f"{goal_text(*target)}: {verdict}"
        lines.append(
            f"{label:<46}{cell(baseline):>10}{cell(ours):>10}{cell(ratio):>11}  {goal}"
        )
    return "\n".join(lines)


def goal_text(kind, bound):
    if kind == "within":
        low, high = bound
        return f"{low:g} <= ours/base <= {high:g}"
    symbol = "<=" if kind == "max" else ">="
    subject = {"ratio": "ours/base", "ours": "ours", "max": "ours"}[kind]
    return f"{subject} {symbol} {bound:g}"


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
