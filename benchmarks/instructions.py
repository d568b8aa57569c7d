"""Count the CPU instructions of one refresh with rotation, ours and the article's.

    python -m benchmarks.instructions                     # about a minute
    python -m benchmarks.instructions --template ../old   # another checkout too

Served rates on a shared 2-core machine move by 10 % between rounds of the
same code (``benchmarks.run``), more than most changes to a request's code.
callgrind counts the instructions a process executes instead: the same count
for the same code and inputs, whatever else the machine runs. This runs
``refresh_in_process.py`` under callgrind in the article's project and in a
bake of ours with rotation and the blacklist (production settings, SQLite,
distinct tokens, issued beforehand by another process), twice each with
different numbers of refreshes, and divides the difference by the refreshes
between: start-up and warm-up cancel out. With ``--template``, a second bake from that checkout is
counted too, for a before and after.

What it does not see: time in the kernel (the WAL's writes, file locks, the
throttle's counter file), waiting for SQLite's write lock, and the cache and
branch behaviour of the instructions. A served rate can differ where the
counts agree; read both.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.run.projects import (
    BENCHMARKS,
    ROTATION_ANSWERS,
    TEMPLATE,
    article_server,
    bake,
    issue_refresh_tokens,
    template_server,
)

DRIVER = BENCHMARKS / "refresh_in_process.py"
# Two runs differing by this many refreshes, each after the same warm-up.
FEWER, MORE = 100, 400
WARM_UP = 100


def instructions(server, refreshes):
    """Return the instructions callgrind counts for a run of ``refreshes`` refreshes."""
    tokens = server.project.parent / f"tokens-{refreshes}.txt"
    issue_refresh_tokens(server, tokens, WARM_UP + refreshes)
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        sys.executable,
        "-W",
        "ignore",
        str(DRIVER),
        str(server.project),
        server.settings,
        str(tokens),
    ]
    completed = subprocess.run(
        command, env=dict(server.env), capture_output=True, text=True, check=False
    )
    collected = re.search(r"Collected : (\d+)", completed.stderr)
    if completed.returncode != 0 or collected is None:
        sys.exit(f"{server.name}: {completed.stderr[-2000:]}")
    return int(collected[1])


def per_refresh(server):
    """Return the instructions of one refresh of ``server``'s project."""
    difference = instructions(server, MORE) - instructions(server, FEWER)
    count = difference / (MORE - FEWER)
    print(
        f"  {server.name}: {count / 1e6:.3f} million instructions a refresh", flush=True
    )
    return count


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--template", type=Path, help="also count a bake of this checkout"
    )
    parser.add_argument("--json", type=Path, help="write the counts here")
    return parser.parse_args(argv)


def main(argv=None):
    options = parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind).")
    server_options = argparse.Namespace(redis_url=None)
    workdir = Path(tempfile.mkdtemp(prefix="instructions-"))
    try:
        servers = [article_server(workdir / "article")]
        templates = {"ours": TEMPLATE}
        if options.template:
            templates["other"] = options.template.resolve()
        for name, template in templates.items():
            answers = {"setup_environment": "current", **ROTATION_ANSWERS}
            project, _ = bake(template, workdir / name, answers)
            servers.append(template_server(name, project, server_options))
        print("Counting instructions under callgrind...", flush=True)
        # Two projects at a time on two cores: callgrind's counts do not depend
        # on the load (one project's runs share its database, so they take turns).
        with ThreadPoolExecutor(2) as pool:
            counts = dict(
                zip(
                    (server.name for server in servers),
                    pool.map(per_refresh, servers),
                    strict=True,
                )
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    article = counts.pop("baseline")
    for name, count in counts.items():
        print(
            f"article's refresh / {name} with rotation, in instructions: {article / count:.3f}"
        )
    if options.json:
        options.json.write_text(json.dumps({"baseline": article, **counts}, indent=2))


if __name__ == "__main__":
    main()
