"""How a run was made: when, of which commit, on which database, how many rounds."""

import ast
import datetime
import os
import platform
import subprocess

# A run with fewer rounds gives a ratio per load that moves by 10-30 % on a
# busy machine: its table is marked provisional.
FULL_ROUNDS = 3


def machine():
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": os.getloadavg(),
    }


def template_commit(template):
    """Return the template's short commit, ``-dirty`` when tracked files changed."""

    def git(*arguments):
        completed = subprocess.run(
            ["git", "-C", str(template), *arguments],
            capture_output=True,
            text=True,
            check=False,
        )
        return completed.stdout.strip() if completed.returncode == 0 else None

    commit = git("rev-parse", "--short", "HEAD")
    if commit is None:
        return "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no")
    return f"{commit}-dirty" if changed else commit


def run_conditions(options, started):
    """Return the conditions of a run of ``options`` started at ``started`` (UTC)."""
    return {
        "date": started.strftime("%Y-%m-%d %H:%M UTC"),
        "commit": template_commit(options.template),
        "database": options.database,
        "redis": bool(options.redis_url),
        "rounds": options.rounds,
        "duration": options.duration,
        "workers": options.workers,
        "threads": options.threads,
        "connections": options.connections,
        "bakes": 0 if options.skip_bakes else options.bakes,
        "rates": not options.skip_rates,
        "only": options.only,
        "quick": options.quick,
        "cpus": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 1),
    }


def conditions_of(report):
    """Return a report's conditions; older reports kept only their options."""
    if "conditions" in report:
        return report["conditions"]
    options = report.get("options", {})

    def value(name, default):
        text = options.get(name)
        try:
            return default if text is None else ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text

    return {
        "date": "unknown date",
        "commit": "unknown",
        "database": options.get("database", "sqlite"),
        "redis": value("redis_url", None) is not None,
        "rounds": value("rounds", FULL_ROUNDS),
        "duration": value("duration", 10),
        "workers": value("workers", 2),
        "threads": value("threads", 2),
        "connections": value("connections", 8),
        "bakes": 0 if value("skip_bakes", False) else value("bakes", 5),
        "rates": not value("skip_rates", False),
        "only": value("only", None),
        "quick": value("quick", False),
        "cpus": report.get("machine", {}).get("cpus"),
        "load_average_at_start": round(
            report.get("machine", {}).get("load_average_at_start", [0])[0], 1
        ),
    }


def describe(conditions):
    """Return one line that says how the rates were measured."""
    cache = "Redis" if conditions["redis"] else "file cache"
    return (
        f"{conditions['database']}, {cache}; gunicorn with {conditions['workers']} sync "
        f"workers per server; wrk -t{conditions['threads']} -c{conditions['connections']}; "
        f"medians of {plural(conditions['rounds'], 'round')} of "
        f"{conditions['duration']} s; "
        f"{conditions['cpus']} CPUs, load average {conditions['load_average_at_start']:g} "
        "at the start."
    )


def provisional_reasons(conditions):
    """Return why a run's table is not one to compare with others (empty: it is)."""
    reasons = []
    if conditions["quick"]:
        reasons.append("--quick")
    if conditions["rounds"] < FULL_ROUNDS:
        reasons.append(f"{plural(conditions['rounds'], 'round')}, not {FULL_ROUNDS}")
    if conditions["only"]:
        reasons.append("only " + ", ".join(conditions["only"]))
    if not conditions["rates"]:
        reasons.append("no request rates")
    if not conditions["bakes"]:
        reasons.append("no bakes")
    if conditions["commit"].endswith("-dirty") or conditions["commit"] == "unknown":
        reasons.append(f"template at {conditions['commit']}")
    cpus = conditions["cpus"] or 1
    if conditions["load_average_at_start"] > cpus:
        reasons.append(
            f"busy machine (load average {conditions['load_average_at_start']:g} "
            f"on {cpus} CPUs at the start)"
        )
    return reasons


def plural(count, noun):
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def utc_now():
    return datetime.datetime.now(datetime.UTC)
