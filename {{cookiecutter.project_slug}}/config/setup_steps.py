"""Run bootstrap.py's setup steps in one process, so that Django starts once.

    python -m config.setup_steps '[["migrate", ["migrate", "--noinput"]]]'

Each step is a name for the messages and a management command that also runs
alone (``python manage.py migrate --noinput``). Starting Django takes about a
second, which a process per step paid again and again. migrate runs the
system checks, as ``manage.py migrate`` does; the steps after it share its
configuration, so they do not run them again. When a step fails, the run
stops with exit status ``FIRST_STEP_STATUS`` plus the step's index, so that
bootstrap.py names it.

A command that reads no database (the API schema's) does not wait for
migrate: on Linux it runs in a child forked once Django has started, on the
other core, and what it prints follows the other steps' output.
{%- if cookiecutter.service_role == "issuer" %}

``generate_jwt_keys`` runs before Django loads the settings, which read the key
it writes.
{%- endif %}
"""

import gc
import json
import os
import shlex
import sys
import tempfile
import traceback
from dataclasses import dataclass

import django
from django.apps import apps
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
{%- if cookiecutter.service_role == "issuer" %}

from {{ cookiecutter.project_slug }}.issuer.key_files import dotenv_value
from {{ cookiecutter.project_slug }}.issuer.management.commands.generate_jwt_keys import (
    ensure_signing_key,
)

from config.settings.base import BASE_DIR, SIMPLE_JWT
{%- endif %}

FIRST_STEP_STATUS = 10
# Commands that read no database, so run beside the ones that write it.
BESIDE_THE_DATABASE = {"spectacular"}
{%- if cookiecutter.service_role == "issuer" %}
# Runs before Django starts: the settings read the key it writes.
KEYS_STEP = ["generate_jwt_keys"]


def generate_jwt_keys() -> None:
    """Create the JWT signing key this checkout lacks, as ``manage.py generate_jwt_keys`` does."""
    print(f"JWT keys: {ensure_signing_key(BASE_DIR, SIMPLE_JWT['ALGORITHM'])}")
    # Importing config.settings.base read .env into the environment, where
    # JWT_SIGNING_KEY was still empty: the settings Django loads next read it.
    if not os.environ.get("JWT_SIGNING_KEY"):
        os.environ["JWT_SIGNING_KEY"] = dotenv_value(
            BASE_DIR / ".env", "JWT_SIGNING_KEY"
        )
{%- endif %}


def start_django() -> None:
    """Start Django, keeping what it loads away from the garbage collector.

    The modules, apps and models loaded now live as long as the process, yet
    the collector would walk them all at every full collection, and migrate
    (it builds and drops a state of every model per migration) causes many:
    frozen, they are left out. Collecting during the start would find next to
    nothing.
    """
    gc.disable()
    django.setup()
    gc.freeze()
    gc.enable()


def run_step(arguments: list[str]) -> None:
{%- if cookiecutter.service_role == "issuer" %}
    """Run the management command ``arguments``; Django must be started, but for the keys."""
    if arguments == KEYS_STEP:
        generate_jwt_keys()
        return
{%- else %}
    """Run the management command ``arguments`` in the started Django."""
{%- endif %}
    name, *options = arguments
    if name == "migrate":
        call_command(name, *options, skip_checks=False)
    else:
        call_command(name, *options)


def announce(step: str, arguments: list[str]) -> None:
    print(f"bootstrap: {step}: {shlex.join(['manage.py', *arguments])}", flush=True)


def print_failure(error: Exception) -> None:
    """Print what manage.py prints: the message of a command's error, no traceback."""
    sys.stdout.flush()
    if isinstance(error, SystemCheckError):
        print(error, file=sys.stderr)
    elif isinstance(error, CommandError):
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
    else:
        traceback.print_exc()


def anonymous_file() -> int:
    """Return the descriptor of a new temporary file that has no name left."""
    descriptor, path = tempfile.mkstemp()
    os.unlink(path)
    return descriptor


@dataclass
class StepBeside:
    """A step running in a forked child; its output waits in anonymous files."""

    pid: int
    stdout: int
    stderr: int

    @classmethod
    def start(cls, arguments: list[str]) -> "StepBeside":
        stdout, stderr = anonymous_file(), anonymous_file()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # The child: run the step, then leave without cleaning up.
            os.dup2(stdout, 1)
            os.dup2(stderr, 2)
            status = 1
            try:
                run_step(arguments)
                status = 0
            except Exception as error:
                print_failure(error)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        return cls(pid, stdout, stderr)

    def finish(self) -> bool:
        """Wait for the child and print its output; return whether the step succeeded."""
        _, wait_status = os.waitpid(self.pid, 0)
        outputs = ((self.stdout, sys.stdout), (self.stderr, sys.stderr))
        for descriptor, stream in outputs:
            with os.fdopen(descriptor, "rb") as captured:
                captured.seek(0)
                stream.flush()
                stream.buffer.write(captured.read())
                stream.flush()
        return os.waitstatus_to_exitcode(wait_status) == 0


def start_beside(steps: list[tuple[str, list[str]]]) -> dict[int, StepBeside]:
    """Start each step that reads no database in a child; return them by index.

    Only on Linux: macOS forbids some system libraries in a forked child.
    """
    if sys.platform != "linux":
        return {}
    started = {}
    for index, (step, arguments) in enumerate(steps):
        if arguments[0] in BESIDE_THE_DATABASE:
            announce(step, arguments)
            started[index] = StepBeside.start(arguments)
    return started


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    steps = json.loads(argv[0])
    beside: dict[int, StepBeside] = {}
    failed = None
    for index, (step, arguments) in enumerate(steps):
        if index in beside:
            continue
        if not apps.ready{% if cookiecutter.service_role == "issuer" %} and arguments != KEYS_STEP{% endif %}:
            start_django()
            beside = start_beside(steps)
            if index in beside:
                continue
        announce(step, arguments)
        try:
            run_step(arguments)
        except Exception as error:
            print_failure(error)
            failed = index
            break
        sys.stdout.flush()
    # The first failed step in the list's order, as if they had run one by one.
    for index, child in beside.items():
        if not child.finish() and (failed is None or index < failed):
            failed = index
    return 0 if failed is None else FIRST_STEP_STATUS + failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
