#!/usr/bin/env python3
"""Set up {{ cookiecutter.project_name }} on this machine: one command, safe to run again.

    python3 bootstrap.py                 # .venv, dependencies, .env, keys, database
    python3 bootstrap.py --env current   # install into this Python instead of .venv
    python3 bootstrap.py --no-install    # dependencies are already installed here

Every step says what it did. A second run keeps .env, the keys, the database
and the superuser, and only does what is missing. When a step fails, nothing
already written is removed and the command to finish is printed.

The superuser's password comes from DJANGO_SUPERUSER_PASSWORD when it is set;
otherwise a strong one is generated and printed once.

Only the standard library is used here, so this runs before anything is
installed; the Django steps run in one process of the project's Python.
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

PROJECT_NAME = "{{ cookiecutter.project_name }}"
PACKAGE = "{{ cookiecutter.project_slug }}"
CREATE_SUPERUSER = {{ cookiecutter.create_superuser }}
SUPERUSER_USERNAME = "{{ cookiecutter.superuser_username }}"
SUPERUSER_EMAIL = "{{ cookiecutter.superuser_email }}"

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
REQUIREMENTS_STAMP = VENV / ".bootstrap-requirements"
DOTENV = ROOT / ".env"
DOTENV_EXAMPLE = ROOT / ".env.example"
PRIVATE_FILE_MODE = 0o600


class SetupStepError(Exception):
    """A setup step failed; ``step`` names it for the user."""

    def __init__(self, step, reason):
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


def report(step, outcome):
    print(f"bootstrap: {step}: {outcome}", flush=True)


def run(step, command, **kwargs):
    """Run ``command``; raise ``SetupStepError`` naming ``step`` when it fails."""
    try:
        subprocess.run(command, check=True, cwd=ROOT, **kwargs)
    except (OSError, subprocess.CalledProcessError) as error:
        raise SetupStepError(step, error) from error


# Dependencies ------------------------------------------------------------------


def minimum_python():
    """Return the oldest Python pyproject.toml's ``requires-python`` accepts."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'requires-python = ">=(\d+)\.(\d+)"', pyproject)
    return (int(match[1]), int(match[2])) if match else (3, 11)


def declared_requirements():
    """Return the runtime and development requirements of pyproject.toml."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def venv_python():
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def create_venv(uv):
    """Create .venv with the Python running this script, never downloading one."""
    step = "virtual environment"
    if venv_python().exists():
        report(step, f"kept {VENV.name}")
        return
    if uv:
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        command = [uv, "venv", "--quiet", "--python", sys.executable, str(VENV)]
        run(step, command, env=env)
    else:
        run(step, [sys.executable, "-m", "venv", str(VENV)])
    tool = "uv" if uv else "venv"
    report(step, f"created {VENV.name} with {tool} (Python {sys.version.split()[0]})")


def install_into_venv(uv, requirements):
    """Install ``requirements`` into .venv unless the same set is already there."""
    step = "dependencies"
    fingerprint = hashlib.sha256("\n".join(sorted(requirements)).encode()).hexdigest()
    if REQUIREMENTS_STAMP.is_file() and REQUIREMENTS_STAMP.read_text() == fingerprint:
        report(step, "already installed in .venv")
        return
    python = str(venv_python())
    if uv:
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        command = [uv, "pip", "install", "--quiet", "--python", python, *requirements]
        run(step, command, env=env)
    else:
        run(step, [python, "-m", "pip", "install", "--quiet", *requirements])
    REQUIREMENTS_STAMP.write_text(fingerprint)
    tool = "uv" if uv else "pip"
    report(step, f"installed {len(requirements)} requirements with {tool}")


def missing_requirements(requirements):
    """Return the requirements this Python does not satisfy yet.

    Without ``packaging`` to read version specifiers, every requirement counts
    as missing and the installer sorts it out.
    """
    try:
        from packaging.requirements import Requirement
    except ImportError:
        try:
            from pip._vendor.packaging.requirements import Requirement
        except ImportError:
            return list(requirements)
    return [
        text for text in requirements if not _satisfied(Requirement(text), Requirement)
    ]


def _satisfied(requirement, parse):
    if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
        return True
    try:
        installed = metadata.version(requirement.name)
    except metadata.PackageNotFoundError:
        return False
    if not requirement.specifier.contains(installed, prereleases=True):
        return False
    for extra in requirement.extras:
        for text in metadata.requires(requirement.name) or []:
            dependency = parse(text)
            if (
                dependency.marker
                and dependency.marker.evaluate({"extra": extra})
                and not _satisfied(parse(text.split(";")[0]), parse)
            ):
                return False
    return True


def install_into_current(requirements):
    step = "dependencies"
    missing = missing_requirements(requirements)
    if not missing:
        report(step, f"already installed in {sys.executable}")
        return
    run(step, [sys.executable, "-m", "pip", "install", "--quiet", *missing])
    report(step, f"installed {len(missing)} requirements into {sys.executable}")


def prepare_python(env, install):
    """Return the Python the project runs with, its dependencies installed."""
    if env == "current":
        if install:
            install_into_current(declared_requirements())
        return Path(sys.executable)
    uv = shutil.which("uv")
    create_venv(uv)
    if install:
        install_into_venv(uv, declared_requirements())
    return venv_python()


# Configuration (runs inside the project's Python) -------------------------------


def fill_dotenv(template, values):
    """Return ``template`` with each ``KEY=`` line (commented or not) set from ``values``."""
    lines = []
    remaining = dict(values)
    for line in template.splitlines():
        match = re.fullmatch(r"#?\s*([A-Za-z_][A-Za-z0-9_]*)=.*", line)
        if match and match[1] in remaining:
            lines.append(f"{match[1]}={remaining.pop(match[1])}")
        else:
            lines.append(line)
    lines.extend(f"{key}={value}" for key, value in remaining.items())
    return "\n".join(lines) + "\n"


def write_private_file(path, text):
    """Create ``path`` readable by its owner only, failing if it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def write_dotenv(algorithm):
    """Write .env from .env.example with fresh secrets, unless it exists."""
    from {{ cookiecutter.project_slug }}.jwt_auth.keys import (
        generate_hmac_key,
        is_hmac,
    )

    step = ".env"
    if DOTENV.exists():
        report(step, "kept (existing secrets unchanged)")
        return
    values = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    if is_hmac(algorithm):
        values["JWT_SIGNING_KEY"] = generate_hmac_key(algorithm)
    if os.environ.get("DATABASE_URL"):
        values["DATABASE_URL"] = os.environ["DATABASE_URL"]
    write_private_file(DOTENV, fill_dotenv(DOTENV_EXAMPLE.read_text(), values))
    report(step, "written with new secrets (readable by you only)")


def write_key_pair(algorithm):
    """Create the private and public key files named in .env, unless they exist."""
    from cryptography.hazmat.primitives.serialization import (
        load_pem_private_key,
    )

    from {{ cookiecutter.project_slug }}.jwt_auth.keys import (
        generate_private_key,
        is_hmac,
        private_key_to_pem,
        public_key_to_pem,
    )

    step = "JWT keys"
    if is_hmac(algorithm) or os.environ.get("JWT_JWKS_URL"):
        return  # A secret lives in .env; a verifier signs nothing.
    if os.environ.get("JWT_PRIVATE_KEY"):
        report(step, "taken from JWT_PRIVATE_KEY")
        return
    private_path = ROOT / os.environ["JWT_PRIVATE_KEY_FILE"]
    public_path = ROOT / os.environ["JWT_PUBLIC_KEY_FILE"]
    if private_path.exists():
        private_key = load_pem_private_key(private_path.read_bytes(), password=None)
        outcome = f"kept {private_path.relative_to(ROOT)}"
    else:
        private_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        private_key = generate_private_key(algorithm)
        write_private_file(private_path, private_key_to_pem(private_key))
        folder = private_path.parent.relative_to(ROOT)
        outcome = f"created {algorithm} key pair in {folder}/"
    if not public_path.exists():
        public_path.write_text(public_key_to_pem(private_key))
    report(step, outcome)


def create_database_if_missing(connection):
    """Create the PostgreSQL database named in DATABASE_URL when it is missing."""
    from django.db import OperationalError

    try:
        connection.ensure_connection()
    except OperationalError as error:
        if connection.vendor != "postgresql" or "does not exist" not in str(error):
            raise
        import psycopg
        from psycopg import sql

        name = connection.settings_dict["NAME"]
        params = {**connection.get_connection_params(), "dbname": "postgres"}
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        report("database", f"created PostgreSQL database {name}")


def migrate():
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    step = "migrate"
    try:
        create_database_if_missing(connection)
        before = len(MigrationRecorder(connection).applied_migrations())
        call_command("migrate", interactive=False, verbosity=0)
        applied = len(MigrationRecorder(connection).applied_migrations()) - before
    except Exception as error:
        raise SetupStepError(step, error) from error
    where = connection.settings_dict["NAME"]
    report(
        step, f"applied {applied} migrations to {where}" if applied else "up to date"
    )


def ensure_superuser(username, email):
    """Create the superuser unless it exists; return the password if it was generated."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    step = "superuser"
    if get_user_model().objects.filter(username=username).exists():
        report(step, f"{username} already exists, kept")
        return None
    generated = None
    if not os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
        generated = secrets.token_urlsafe(18)
        os.environ["DJANGO_SUPERUSER_PASSWORD"] = generated
    try:
        call_command(
            "createsuperuser",
            interactive=False,
            username=username,
            email=email,
            verbosity=0,
        )
    except Exception as error:
        raise SetupStepError(step, error) from error
    finally:
        if generated:
            del os.environ["DJANGO_SUPERUSER_PASSWORD"]
    if generated:
        report(step, f"created {username} with password {generated} (shown once)")
    else:
        report(
            step, f"created {username} with the password in DJANGO_SUPERUSER_PASSWORD"
        )
    return generated


def configure(args):
    """Write .env and keys, migrate and create the superuser, in this one process."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    from config.settings.base import SIMPLE_JWT, env

    algorithm = SIMPLE_JWT["ALGORITHM"]
    try:
        write_dotenv(algorithm)
        # base.py read .env on import, which may have been before it existed.
        env.read_env(DOTENV)
        write_key_pair(algorithm)
    except (OSError, KeyError) as error:
        raise SetupStepError("secrets", error) from error

    import django
    from django.conf import settings

    try:
        django.setup()
    except Exception as error:
        raise SetupStepError("settings", error) from error
    migrate()
    if args.superuser:
        ensure_superuser(args.superuser_username, args.superuser_email)
    print_next_steps(args, settings.SIMPLE_JWT["AUTH_HEADER_TYPES"][0])


def print_next_steps(args, header_type):
    python = Path(sys.executable)
    shown = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    username = args.superuser_username if args.superuser else "<username>"
    token_request = shlex.quote(
        json.dumps({"username": username, "password": "<password>"})
    )
    print(
        f"\n{PROJECT_NAME} is ready in {ROOT}\n"
        f"  Start it:     cd {shlex.quote(str(ROOT))} && {shown} manage.py runserver\n"
        f"  Get a token:  curl -X POST http://127.0.0.1:8000/api/token/ "
        f"-H 'Content-Type: application/json' -d {token_request}\n"
        f"  Call the API: curl http://127.0.0.1:8000/api/ "
        f"-H 'Authorization: {header_type} <access token>'\n"
        f"  Run tests:    {shown} -m pytest\n",
        flush=True,
    )


# Command line -------------------------------------------------------------------


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=f"Set up {PROJECT_NAME} on this machine."
    )
    parser.add_argument(
        "--env",
        choices=("venv", "current"),
        default="venv",
        help="venv: create .venv with this Python (default); current: use this Python",
    )
    parser.add_argument(
        "--no-install",
        dest="install",
        action="store_false",
        help="do not install dependencies (they are already there)",
    )
    parser.add_argument(
        "--superuser",
        action=argparse.BooleanOptionalAction,
        default=CREATE_SUPERUSER,
        help="create the superuser when it does not exist",
    )
    parser.add_argument("--superuser-username", default=SUPERUSER_USERNAME)
    parser.add_argument("--superuser-email", default=SUPERUSER_EMAIL)
    parser.add_argument(
        "--stage", choices=("all", "configure"), default="all", help=argparse.SUPPRESS
    )
    return parser.parse_args(argv)


def finish_command(argv):
    return f"cd {shlex.quote(str(ROOT))} && {shlex.join([sys.executable, 'bootstrap.py', *argv])}"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if sys.version_info[:2] < minimum_python():
        needed = ".".join(map(str, minimum_python()))
        print(
            f"bootstrap: {PROJECT_NAME} needs Python {needed} or newer; "
            f"{sys.executable} is Python {sys.version.split()[0]}. "
            f"Run this script with python{needed} or newer.",
            file=sys.stderr,
        )
        return 1
    args = parse_args(argv)
    try:
        if args.stage == "configure":
            configure(args)
            return 0
        python = prepare_python(args.env, args.install)
        run(
            "configure",
            [str(python), str(ROOT / "bootstrap.py"), *argv, "--stage", "configure"],
        )
    except SetupStepError as error:
        if args.stage == "configure":
            print(f"bootstrap: {error.step} failed: {error.reason}", file=sys.stderr)
            return 1
        if error.step != "configure":
            print(f"bootstrap: {error.step} failed: {error.reason}", file=sys.stderr)
        print(
            "bootstrap: setup is not finished; every file written so far is kept.\n"
            f"Fix the cause above, then finish with:\n  {finish_command(argv)}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
