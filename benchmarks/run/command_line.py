"""The benchmark's command line: options, the run, the table and the JSON report."""

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import benchmarks.run
from benchmarks.run.bakes import measure_bakes
from benchmarks.run.conditions import describe, machine, run_conditions, utc_now
from benchmarks.run.loads import measure_all_rates
from benchmarks.run.projects import BENCHMARKS, TEMPLATE
from benchmarks.run.readme import README, write_readme
from benchmarks.run.report import format_table, summary, table_json
from tests.support.databases import POSTGRES_URL


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description=benchmarks.run.__doc__.split("\n\n")[0],
    )
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
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="LOAD",
        help="measure only these loads (their names in the JSON's rates, e.g. "
        "reset_known reset_unknown plain_login signup password_login totp_login)",
    )
    parser.add_argument(
        "--token-tables",
        type=Path,
        help="add the cleanup rows of this python -m benchmarks.token_tables --json report",
    )
    parser.add_argument(
        "--write-readme",
        action="store_true",
        help=f"write this run's table into {README.name} (python -m benchmarks.run.readme)",
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
    token_tables = (
        json.loads(options.token_tables.read_text()) if options.token_tables else None
    )
    workdir = Path(tempfile.mkdtemp(prefix="template-benchmark-"))
    print(f"Working in {workdir}", flush=True)
    report = {
        "conditions": run_conditions(options, utc_now()),
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
    rows = summary(rates, bakes, options.database, token_tables)
    report |= {"rates": rates, "bakes": bakes, "table": table_json(rows)}
    options.json.parent.mkdir(parents=True, exist_ok=True)
    options.json.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\n{format_table(rows)}\n\n{describe(report['conditions'])}\n"
        f"Every measurement: {options.json}"
    )
    if options.write_readme:
        write_readme(report, token_tables)
        print(f"The table is in {README} (python -m benchmarks.run.readme --check).")
    return 0
