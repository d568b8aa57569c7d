"""The README's benchmark table, generated from a run's JSON, never edited by hand.

    python -m benchmarks.run.readme benchmarks/results/run-X.json   # write it
    python -m benchmarks.run.readme RUN.json --token-tables TABLES.json
    python -m benchmarks.run.readme            # again from the recorded run
    python -m benchmarks.run.readme --check    # does the README match its record?

The block of README.md between the two markers below is replaced by the
table of the run; the run (and the ``benchmarks.token_tables`` report, if
given) is recorded in ``benchmarks/readme_table.json``, so that a template
test can regenerate the block and find any hand edit.
"""

import argparse
import json
import sys
from pathlib import Path

from benchmarks.run.conditions import (
    conditions_of,
    describe,
    plural,
    provisional_reasons,
)
from benchmarks.run.report import cell, goal_text, summary, target_met

BENCHMARKS = Path(__file__).resolve().parents[1]
README = BENCHMARKS.parent / "README.md"
RECORD = BENCHMARKS / "readme_table.json"
START = (
    "<!-- benchmark-table: made by `python -m benchmarks.run.readme`; do not edit -->"
)
END = "<!-- /benchmark-table -->"
COMMAND = "python -m benchmarks.run.readme"
# The size issue 23 sets for the cleanup's rows.
TOKEN_TABLE_ROWS = 1_000_000
VERDICTS = {True: "met", False: "**NOT met**", None: "not measured"}


def rows_of(run, token_tables=None):
    """Return the rows of a run's JSON report, with today's targets."""
    database = conditions_of(run)["database"]
    return summary(run.get("rates", {}), run.get("bakes", {}), database, token_tables)


def markdown_table(rows):
    lines = [
        "| measure | reference | ours | ratio | target | met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    for row in rows:
        goal = goal_text(row.target) if row.target else ""
        met = VERDICTS[target_met(row)] if row.target else ""
        cells = [
            row.label.replace("|", "\\|"),
            cell(row.reference),
            cell(row.ours),
            cell(row.ratio),
            goal,
            met,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def token_tables_text(token_tables):
    if not token_tables:
        return (
            "The cleanup rows come from `python -m benchmarks.token_tables --json FILE` "
            "(PostgreSQL), given with `--token-tables FILE`: none was given for this table."
        )
    options = token_tables.get("options", {})
    return (
        "The last three rows: `python -m benchmarks.token_tables` on PostgreSQL, "
        f"{int(options.get('rows', 0)):,} outstanding tokens, "
        f"{plural(int(options.get('rounds', 0)), 'refresh load')} of "
        f"{options.get('duration', '?')} s "
        f"per table size, {options.get('workers', '?')} workers."
    )


def render_block(run, token_tables=None):
    """Return the README block (markers included) of a run's JSON report."""
    conditions = conditions_of(run)
    rows = rows_of(run, token_tables)
    lines = [
        START,
        "",
        f"Run of {conditions['date']}, template at {conditions['commit']}: "
        + describe(conditions),
        "The reference is the article's project unless the measure names another "
        "(A vs B: B, on the same server and in the same round).",
    ]
    reasons = provisional_reasons(conditions)
    if token_tables:
        rows_filled = int(token_tables.get("options", {}).get("rows", 0))
        if rows_filled < TOKEN_TABLE_ROWS:
            reasons.append(
                f"token tables of {rows_filled:,} tokens, not {TOKEN_TABLE_ROWS:,}"
            )
    if reasons:
        lines += [
            "",
            f"**Provisional** ({'; '.join(reasons)}): not a run to compare with others.",
        ]
    failed = failed_requests(run.get("rates", {}))
    if failed:
        lines += ["", f"**{failed} requests failed** during the run (see its JSON)."]
    not_met = sum(target_met(row) is False for row in rows)
    lines += [
        "",
        *markdown_table(rows),
        "",
        f"Targets not met: {not_met} of {sum(row.target is not None for row in rows)}. "
        + token_tables_text(token_tables),
        "",
        END,
    ]
    return "\n".join(lines)


def failed_requests(rates):
    return sum(
        outcome.get("failed", 0)
        for servers in rates.values()
        if isinstance(servers, dict)
        for outcomes in servers.values()
        if isinstance(outcomes, list)
        for outcome in outcomes
    )


def replace_block(text, block):
    """Return ``text`` with its one block between START and END replaced by ``block``."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(f"the README needs one {START!r} and one {END!r}")
    before, rest = text.split(START)
    _, after = rest.split(END)
    return before + block + after


def current_block(text):
    """Return the README's block, markers included."""
    before_end = text.split(START, 1)[1].split(END, 1)[0]
    return START + before_end + END


def recordable(run, token_tables=None):
    """Return what the block is made of, without the machine's paths and logs."""
    kept_run = {
        "conditions": conditions_of(run),
        "rates": run.get("rates", {}),
        "bakes": run.get("bakes", {}),
    }
    if token_tables:
        options = token_tables.get("options", {})
        cleanup = token_tables.get("cleanup", {})
        token_tables = {
            "options": {
                name: options[name]
                for name in ("rows", "rounds", "duration", "workers")
                if name in options
            },
            "small": token_tables.get("small", {}),
            "large": token_tables.get("large", {}),
            "cleanup": {
                "seconds": cleanup.get("seconds"),
                "loads": cleanup.get("loads", []),
            },
        }
    return {"run": kept_run, "token_tables": token_tables}


def write_readme(run, token_tables=None, readme=README, record=RECORD):
    """Write the run's table into the README and record what it was made from."""
    recorded = recordable(run, token_tables)
    block = render_block(recorded["run"], recorded["token_tables"])
    readme.write_text(replace_block(readme.read_text(), block))
    record.write_text(json.dumps(recorded, indent=2) + "\n")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog=COMMAND, description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "run",
        nargs="?",
        type=Path,
        help="a run's JSON (python -m benchmarks.run --json); default: the recorded run",
    )
    parser.add_argument(
        "--token-tables",
        type=Path,
        help="a report of python -m benchmarks.token_tables --json (the cleanup rows)",
    )
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument(
        "--record", type=Path, default=RECORD, help="where the table's source is kept"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail when the README's block is not the generated one",
    )
    return parser.parse_args(argv)


def main(argv=None):
    options = parse_args(argv)
    if options.run:
        run = json.loads(options.run.read_text())
        token_tables = (
            json.loads(options.token_tables.read_text())
            if options.token_tables
            else None
        )
    else:
        recorded = json.loads(options.record.read_text())
        run, token_tables = recorded["run"], recorded["token_tables"]
        if options.token_tables:
            token_tables = json.loads(options.token_tables.read_text())
    if options.check:
        block = render_block(run, token_tables)
        if current_block(options.readme.read_text()) != block:
            print(f"{options.readme}: the benchmark table is not the generated one:")
            print(block)
            return 1
        print(f"{options.readme}: the benchmark table is the generated one.")
        return 0
    write_readme(run, token_tables, options.readme, options.record)
    print(f"Wrote the benchmark table of {options.readme} (source: {options.record}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
