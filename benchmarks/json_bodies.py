"""Benchmark the JSON parser of a baked project on hostile bodies, 1 KB to 1 MB.

    python -m benchmarks.json_bodies
    python -m benchmarks.json_bodies --sizes 1000 10000 --seconds 0.1

The token endpoints parse bodies from anyone before authentication, so the
parser's time must grow linearly with the size of the body, whatever its shape:
the nesting guard once took 30 s of a worker for 120 KB of escaped quotes.
This bakes the default project and times, in it, the JSON parser its settings
name (guard and decoder, as a request runs them) on each family of bodies
below. Linear means the nanoseconds per byte stay about the same from one
size to the next; the largest body Django accepts is 2.5 MB.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

from benchmarks.run.projects import TEMPLATE, bake
from tests.support.commands import project_env, run

SIZES = [1_000, 10_000, 100_000, 1_000_000]

# Run inside the baked project: print one JSON line per body family and size.
TIMING = """
import io, json, sys, time
import django
django.setup()
from rest_framework.exceptions import ParseError
from rest_framework.settings import api_settings

parser = api_settings.DEFAULT_PARSER_CLASSES[0]()
sizes, seconds = json.loads(sys.argv[1]), float(sys.argv[2])
families = {
    "unterminated escaped quotes": lambda n: b'{"token": "' + b'\\\\"' * (n // 2),
    "quotes": lambda n: b'{"token": ' + b'"' * n,
    "empty arrays": lambda n: b"[" + b"[]," * (n // 3) + b"[]]",
    "deep nesting": lambda n: b"[" * (n // 2) + b"]" * (n // 2),
    "one long string": lambda n: b'{"token": "' + b"a" * n + b'"}',
    "escaped quotes": lambda n: b'{"token": "' + b'\\\\"' * (n // 2) + b'"}',
}
for family, make in families.items():
    for size in sizes:
        body = make(size)
        rounds, start = 0, time.perf_counter()
        while rounds == 0 or time.perf_counter() - start < seconds:
            try:
                parser.parse(io.BytesIO(body))
            except ParseError:
                pass
            rounds += 1
        elapsed = (time.perf_counter() - start) / rounds
        print(json.dumps({"family": family, "bytes": len(body), "seconds": elapsed}))
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    parser.add_argument(
        "--seconds", type=float, default=0.5, help="time spent on each body"
    )
    return parser.parse_args(argv)


def main(argv=None):
    options = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="json-bodies-") as workdir:
        project, _ = bake(TEMPLATE, Path(workdir), {"setup_environment": "current"})
        env = project_env(DJANGO_SETTINGS_MODULE="config.settings.test")
        command = [sys.executable, "-c", TIMING, json.dumps(options.sizes)]
        completed = run([*command, str(options.seconds)], project, env, timeout=3600)
    print(f"{'body':30} {'bytes':>10} {'ms':>10} {'ns/byte':>8}")
    for line in completed.stdout.splitlines():
        row = json.loads(line)
        milliseconds = row["seconds"] * 1000
        per_byte = row["seconds"] * 1e9 / row["bytes"]
        print(
            f"{row['family']:30} {row['bytes']:>10} {milliseconds:>10.3f} {per_byte:>8.1f}"
        )


if __name__ == "__main__":
    main()
