"""Run bootstrap.py's setup steps in one process, so that Django starts once.

    python -m config.setup_steps '[["migrate", ["migrate", "--noinput"]]]'

Each step is a name for the messages and a management command that also runs
alone (``python manage.py migrate --noinput``). Starting Django takes about a
second, which a process per step paid again and again. migrate runs the
system checks, as ``manage.py migrate`` does; the steps after it share its
configuration, so they do not run them again. When a step fails, the run
stops with exit status ``FIRST_STEP_STATUS`` plus the step's index, so that
bootstrap.py names it.
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
import traceback

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
{%- if cookiecutter.service_role == "issuer" %}


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
    """Run the management command ``arguments``, starting Django the first time."""
{%- if cookiecutter.service_role == "issuer" %}
    if arguments == ["generate_jwt_keys"]:
        generate_jwt_keys()
        return
{%- endif %}
    if not apps.ready:
        start_django()
    name, *options = arguments
    if name == "migrate":
        call_command(name, *options, skip_checks=False)
    else:
        call_command(name, *options)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    steps = json.loads(argv[0])
    for index, (step, arguments) in enumerate(steps):
        print(f"bootstrap: {step}: {shlex.join(['manage.py', *arguments])}", flush=True)
        try:
            run_step(arguments)
        except Exception as error:
            sys.stdout.flush()
            # What manage.py prints: the message of a command's error, no traceback.
            if isinstance(error, SystemCheckError):
                print(error, file=sys.stderr)
            elif isinstance(error, CommandError):
                print(f"{type(error).__name__}: {error}", file=sys.stderr)
            else:
                traceback.print_exc()
            return FIRST_STEP_STATUS + index
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
