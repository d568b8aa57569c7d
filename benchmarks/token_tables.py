"""Benchmark refresh with rotation against large token tables, and their cleanup.

    python -m benchmarks.token_tables              # 1,000,000 tokens (about 4 minutes)
    python -m benchmarks.token_tables --rows 100000 --duration 5   # to try it

simplejwt records every refresh token it issues; with rotation and the
blacklist, every refresh adds a row to two tables. The generated project
indexes what its cleanup (``manage.py prune_tokens``) filters on and deletes
in batches. This measures, on PostgreSQL, with the project's production
settings and gunicorn configuration (the same machinery as ``benchmarks.run``):

1. refresh with rotation on a small table (the tokens of the run: ``--tokens``);
2. the same once ``--rows`` outstanding tokens are added, half of them
   expired and blacklisted (as rotation leaves them), with a tenth as many
   sessions, half of them ended long ago: target ≥ 0.9 of (1);
3. the cleanup on that table: target under 30 seconds, while refreshes keep
   going in slices of ``--slice`` seconds with a p99 latency under 1.5 times
   the idle p99 of (2). The median of the slices' p99s is compared with the
   median of the idle loads': on a shared machine the slowest of thirty
   slices says more about the neighbours than about the cleanup (the JSON
   has every slice, and the ratio of the slowest). ``--idle-slices`` loads
   of the same shape follow the cleanup, for a reference of the same minutes.

``--prune-args`` are given to the cleanup (``--prune-args="--pause 0"`` for
full speed).

Needs wrk and a PostgreSQL server (``--postgres-url``; its database is made
and dropped). ``--template`` measures another checkout of the template (for
a before and after: ``--template ../main``).
"""

import argparse
import json
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from benchmarks.run.projects import (
    BENCHMARKS,
    ROTATION_ANSWERS,
    TEMPLATE,
    USERNAME,
    bake,
    issue_refresh_tokens,
    serving,
    template_server,
)
from tests.support.commands import run
from tests.support.databases import POSTGRES_URL, drop_database

FILL = [
    """
INSERT INTO token_blacklist_outstandingtoken (jti, token, created_at, expires_at, user_id)
SELECT 'bench-' || i, repeat('x', 300), now() - interval '2 days',
       CASE WHEN i %% 2 = 0 THEN now() - interval '1 day' ELSE now() + interval '1 day' END,
       (SELECT id FROM users_user WHERE username = %(username)s)
FROM generate_series(1, %(rows)s) AS i
""",
    """
INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at)
SELECT id, now() - interval '1 day' FROM token_blacklist_outstandingtoken
WHERE jti LIKE 'bench-%%' AND expires_at < now()
""",
    """
INSERT INTO token_sessions_session
    (id, user_id, created_at, expires_at, client_address, user_agent,
     password_fingerprint, refresh_jti, previous_jti, ended_at, end_reason)
SELECT gen_random_uuid(), (SELECT id FROM users_user WHERE username = %(username)s),
       now() - interval '2 days', now() + interval '1 day', '10.0.0.1', 'bench', '',
       'bench-' || i, '',
       CASE WHEN i %% 2 = 0 THEN now() - interval '1 day' END,
       CASE WHEN i %% 2 = 0 THEN 'logout' ELSE '' END
FROM generate_series(1, %(rows)s / 10) AS i
""",
]
COUNTS = """
SELECT (SELECT count(*) FROM token_blacklist_outstandingtoken),
       (SELECT count(*) FROM token_blacklist_blacklistedtoken),
       (SELECT count(*) FROM token_sessions_session)
"""
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def sql(database_url, statement, **parameters):
    """Run ``statement`` on ``database_url``; return the rows of its last result."""
    import psycopg  # noqa: PLC0415 - the project under test depends on it

    with psycopg.connect(database_url, autocommit=True) as connection:
        cursor = connection.execute(statement, parameters)
        return cursor.fetchall() if cursor.description else None


def refresh_load(server, options, workdir, duration, tokens=None):
    """Refresh single-use tokens for ``duration`` seconds; return rate and p99 (ms).

    ``tokens`` is a file of fresh refresh tokens; without it, ``--tokens`` are issued.
    """
    if tokens is None:
        tokens = workdir / f"tokens-{uuid.uuid4().hex[:6]}.txt"
        issue_refresh_tokens(server, tokens, options.tokens)
    command = [
        "wrk",
        f"--threads={options.threads}",
        f"--connections={options.connections}",
        f"--duration={duration}s",
        "--timeout=60s",
        "--latency",
        "--script",
        BENCHMARKS / "refresh_once.lua",
        f"{server.url}/api/token/refresh/",
        "--",
        tokens,
        str(options.threads),
    ]
    output = run(command, BENCHMARKS).stdout
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", output).groups()
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "p99_ms": float(value) * UNITS[unit],
        "failed": int(failed[1]) if failed else 0,
    }


def refresh_loads(server, options, workdir):
    """Return the median rate and p99 of ``--rounds`` refresh loads, and each load."""
    loads = [
        refresh_load(server, options, workdir, options.duration)
        for _ in range(options.rounds)
    ]
    return {
        "rate": statistics.median(load["rate"] for load in loads),
        "p99_ms": statistics.median(load["p99_ms"] for load in loads),
        "loads": loads,
    }


def cleanup_under_load(server, options, workdir):
    """Run the cleanup while refreshing; return its seconds and the loads during and after.

    After it, up to ``--idle-slices`` loads of the same shape run on the same tokens.
    """
    command = [sys.executable, "manage.py", "prune_tokens", *options.prune_args]
    finished = {}

    def clean():
        started = time.monotonic()
        completed = subprocess.run(
            command,
            cwd=server.project,
            env=server.env | {"DJANGO_SETTINGS_MODULE": server.settings},
            capture_output=True,
            text=True,
            check=True,
        )
        finished["seconds"] = time.monotonic() - started
        finished["output"] = completed.stdout.strip()

    # Tokens for every slice, issued before: issuing them is work of its own.
    issued = (
        issue_refresh_tokens(
            server, workdir / "during.txt", options.slices * options.tokens_per_slice
        )
        .read_text()
        .splitlines()
    )
    files = []
    for index in range(options.slices):
        path = workdir / f"during-{index}.txt"
        start = index * options.tokens_per_slice
        path.write_text("\n".join(issued[start : start + options.tokens_per_slice]))
        files.append(path)
    cleaner = threading.Thread(target=clean)
    cleaner.start()
    loads = []
    while cleaner.is_alive() and files:
        loads.append(
            refresh_load(server, options, workdir, options.slice, tokens=files.pop())
        )
    cleaner.join()
    after = [
        refresh_load(server, options, workdir, options.slice, tokens=files.pop())
        for _ in range(min(options.idle_slices, len(files)))
    ]
    return finished, loads, after


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.token_tables",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--tokens",
        type=int,
        help="fresh tokens per refresh load (default: 1000 a second of --duration)",
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per load")
    parser.add_argument("--rounds", type=int, default=3, help="loads per table size")
    parser.add_argument(
        "--slice", type=int, default=3, help="seconds per load during the cleanup"
    )
    parser.add_argument(
        "--slices", type=int, default=15, help="loads at most during the cleanup"
    )
    parser.add_argument(
        "--tokens-per-slice",
        type=int,
        help="fresh tokens per load during the cleanup (default: 1000 a second of --slice)",
    )
    parser.add_argument(
        "--idle-slices",
        type=int,
        default=5,
        help="loads of a slice's length after the cleanup: the idle p99 beside it",
    )
    parser.add_argument(
        "--prune-args",
        type=shlex.split,
        default=[],
        help='options of prune_tokens, in one string (e.g. "--pause 0")',
    )
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--redis-url")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--template",
        type=Path,
        default=TEMPLATE,
        help="the template checkout to bake (default: this one)",
    )
    options = parser.parse_args(argv)
    # Each token refreshes once: a load that runs out sends spent ones, which
    # a refused reuse (non-2xx) or the grace window's replay (a cheap 200)
    # answers. Enough for 1000 refreshes a second.
    if options.tokens is None:
        options.tokens = 1000 * options.duration
    if options.tokens_per_slice is None:
        options.tokens_per_slice = 1000 * options.slice
    return options


def main(argv=None):
    options = parse_args(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (apt-get install wrk, brew install wrk).")

    workdir = Path(tempfile.mkdtemp(prefix="token-tables-"))
    database_url = f"{options.postgres_url}/bench_tables_{uuid.uuid4().hex[:8]}"
    answers = {"setup_environment": "current", "database": "postgresql"}
    report = {"options": {k: str(v) for k, v in vars(options).items()}}
    try:
        print("Baking a project with rotation and the blacklist...", flush=True)
        project, _ = bake(
            options.template.resolve(),
            workdir / "project",
            answers | ROTATION_ANSWERS,
            DATABASE_URL=database_url,
        )
        server = template_server("rotation", project, options, database_url)
        with serving([server], options.workers):
            refresh_load(server, options, workdir, 2)  # Warm up.
            report["small"] = refresh_loads(server, options, workdir)
            report["small"]["rows"] = sql(database_url, COUNTS)[0]
            print(f"small tables {report['small']}", flush=True)

            started = time.monotonic()
            for statement in FILL:
                sql(database_url, statement, rows=options.rows, username=USERNAME)
            sql(database_url, "ANALYZE")
            print(f"filled in {time.monotonic() - started:.1f} s", flush=True)
            report["large"] = refresh_loads(server, options, workdir)
            report["large"]["rows"] = sql(database_url, COUNTS)[0]
            print(f"large tables {report['large']}", flush=True)

            cleanup, loads, after = cleanup_under_load(server, options, workdir)
            report["cleanup"] = cleanup | {
                "loads": loads,
                "loads_after": after,
                "rows_after": sql(database_url, COUNTS)[0],
            }
            print(f"cleanup {report['cleanup']}", flush=True)
    finally:
        drop_database(database_url)
        shutil.rmtree(workdir, ignore_errors=True)

    rate_ratio = report["large"]["rate"] / report["small"]["rate"]
    # With ``--rows`` small enough, the cleanup may end before the first slice.
    p99s_during = [load["p99_ms"] for load in report["cleanup"]["loads"]] or [0.0]
    during = statistics.median(p99s_during)
    idle = report["large"]["p99_ms"]
    p99s_after = [load["p99_ms"] for load in report["cleanup"]["loads_after"]]
    report["targets"] = {
        "refresh rate, large / small tables (>= 0.9)": round(rate_ratio, 3),
        "cleanup seconds (< 30)": round(report["cleanup"]["seconds"], 1),
        "refresh p99 during cleanup / idle (< 1.5)": round(during / idle, 2),
        "slowest slice's p99 / idle": round(max(p99s_during) / idle, 2),
    }
    if p99s_after:
        # The same slices once the cleanup is over: the machine of the same minutes.
        after = statistics.median(p99s_after)
        report["targets"]["refresh p99 during cleanup / right after"] = round(
            during / after, 2
        )
    print(json.dumps(report["targets"], indent=2))
    if options.json:
        options.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
