#!/usr/bin/env python3
"""Set up {{ cookiecutter.project_name }} on this machine: one command, safe to run again.

    python3 bootstrap.py                 # .venv, dependencies, .env, keys, database
    python3 bootstrap.py --env current   # install into this Python instead of .venv
    python3 bootstrap.py --no-install    # dependencies are already installed here
    python3 bootstrap.py --no-superuser  # create no superuser

It puts in order steps that each also run alone:

- in .venv: create uv.lock from pyproject.toml unless it exists (commit it),
  then install exactly uv.lock with ``uv sync --frozen``; uv is the one on
  PATH, or the one uv.lock pins, installed into .venv with pip when PATH has
  none (uv is a dev dependency, so .venv/bin/uv is the team's version);
- with ``--env current``: add what pyproject.toml declares and this Python
  lacks (pip or uv; the versions already installed are kept), and create
  uv.lock when uv is at hand;
- write .env from .env.example with a fresh DJANGO_SECRET_KEY, unless it exists;
{%- if cookiecutter.service_role == "issuer" %}
- python manage.py generate_jwt_keys{% endif %}
{%- if cookiecutter.database == "postgresql" %}
- python manage.py create_database{% endif %}
- python manage.py migrate --noinput
- python manage.py spectacular --file openapi.yaml --validate --fail-on-warn
  writes the API schema unless it exists (commit it: CI checks it is the one served)
- python manage.py createsuperuser --noinput (the password comes from
  DJANGO_SUPERUSER_PASSWORD and must pass the password validators, or is
  generated and shown once; an existing superuser is kept).

The management commands run in one process (config/setup_steps.py), so that
Django starts once for all of them; the API schema's, forked from it, runs
beside migrate. When a step fails, nothing already
written is removed and the command that finishes the setup is printed. Only
the standard library is used here, so this runs before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_NAME = "{{ cookiecutter.project_name }}"
HEADER_TYPE = "{{ cookiecutter.auth_header_types.split(",")[0].strip() }}"
# A verifier signs no token: its callers bring tokens of the issuer.
ISSUES_TOKENS = {{ cookiecutter.service_role == "issuer" }}
# The issuer serves on runserver's default port; a verifier next to it on the
# next one (README.md, "Run it").
PORT = {{ 8000 if cookiecutter.service_role == "issuer" else 8001 }}
CREATE_SUPERUSER = {{ cookiecutter.create_superuser }}
# What users log in with, and the superuser's value of it.
LOGIN_FIELD = "{{ cookiecutter.login_field }}"
SUPERUSER = {
    "DJANGO_SUPERUSER_USERNAME": "{{ cookiecutter.superuser_username }}",
    "DJANGO_SUPERUSER_EMAIL": "{{ cookiecutter.superuser_email }}",
}

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
DOTENV = ROOT / ".env"
LOCK = ROOT / "uv.lock"
SCHEMA = ROOT / "openapi.yaml"
SCHEMA_COMMAND = ["spectacular", "--file", SCHEMA.name, "--validate", "--fail-on-warn"]
# config/setup_steps.py runs the management commands; a failed one ends it
# with this exit status plus the command's index.
FIRST_STEP_STATUS = 10


class SetupStepError(Exception):
    """A setup step failed; ``step`` names it for the user."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


def report(step: str, outcome: str) -> None:
    print(f"bootstrap: {step}: {outcome}", flush=True)


def run(step: str, command: list[str], env: dict[str, str] | None = None) -> None:
    """Run ``command`` in the project; raise ``SetupStepError`` naming ``step`` when it fails."""
    try:
        subprocess.run(command, check=True, cwd=ROOT, env=env)
    except subprocess.CalledProcessError as error:
        raise SetupStepError(step, f"exit status {error.returncode}") from error
    except OSError as error:
        raise SetupStepError(step, str(error)) from error


# Python and dependencies ---------------------------------------------------------


def minimum_python() -> tuple[int, int] | None:
    """Return the oldest Python that pyproject.toml's ``requires-python`` accepts."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    match = re.search(r'^requires-python = ">=(\d+)\.(\d+)', pyproject, re.MULTILINE)
    return (int(match[1]), int(match[2])) if match else None


def declared_requirements() -> list[str]:
    """Return the runtime and development requirements of pyproject.toml."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["dev"]]


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def pip_installs_elsewhere() -> bool:
    """Return True when this Python's pip can install into another environment.

    pip 22.3 and later take ``--python``: .venv then needs no pip of its own,
    whose installation (ensurepip) takes seconds.
    """
    from importlib import metadata

    try:
        version = metadata.version("pip")
    except metadata.PackageNotFoundError:
        return False
    return tuple(int(part) for part in re.findall(r"\d+", version)[:2]) >= (22, 3)


def create_venv(uv: str | None) -> None:
    """Create .venv with the Python running this script, never downloading one."""
    step = "virtual environment"
    if venv_python().exists():
        report(step, f"kept {VENV.name}")
        return
    if uv:
        command = [uv, "venv", "--quiet", "--python", sys.executable, str(VENV)]
        run(step, command, {**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
    else:
        # As uv's: no pip inside; uv installs there, and pip from here installs uv.
        without_pip = ["--without-pip"] if pip_installs_elsewhere() else []
        run(step, [sys.executable, "-m", "venv", *without_pip, str(VENV)])
    tool = "uv" if uv else "venv"
    report(step, f"created {VENV.name} with {tool} (Python {sys.version.split()[0]})")


def uv_environment(**overrides: str) -> dict[str, str]:
    """Return the environment for uv: never an interpreter download."""
    return {**os.environ, "UV_PYTHON_DOWNLOADS": "never", **overrides}


def install(python: Path, uv: str | None) -> None:
    """Install the declared requirements into ``python``; the installer skips those present."""
    requirements = declared_requirements()
    if uv:
        # Compiled, as pip does: every later manage.py command starts faster.
        command = [uv, "pip", "install", "--quiet", "--compile-bytecode"]
        command += ["--python", str(python)]
        env = uv_environment()
    else:
        command = [str(python), "-m", "pip", "install", "--quiet"]
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run("dependencies", [*command, *requirements], env)
    tool = "uv" if uv else "pip"
    report("dependencies", f"checked {len(requirements)} requirements with {tool}")


def uv_next_to(python: Path) -> str | None:
    """Return the uv installed beside ``python`` (a dev dependency), if there is one."""
    uv = python.parent / ("uv.exe" if os.name == "nt" else "uv")
    return str(uv) if uv.exists() else None


def locked_version(package: str) -> str | None:
    """Return the version of ``package`` that uv.lock pins, or None."""
    import tomllib

    if not LOCK.exists():
        return None
    for entry in tomllib.loads(LOCK.read_text()).get("package", []):
        if entry.get("name") == package:
            return entry.get("version")
    return None


def install_uv_with_pip(python: Path) -> str:
    """Install uv into ``python``'s environment with pip; return its path.

    The pip route to the lock file: pip reads no lock that a team on several
    platforms can share, so pip fetches uv itself (a wheel from PyPI, no
    interpreter), the version uv.lock pins when there is one.
    """
    version = locked_version("uv")
    declared = [req for req in declared_requirements() if re.match(r"uv\b", req)]
    requirement = f"uv=={version}" if version else (declared or ["uv"])[0]
    if pip_installs_elsewhere():
        pip = [sys.executable, "-m", "pip", "--python", str(python)]
    else:
        pip = [str(python), "-m", "pip"]
    command = [*pip, "install", "--quiet", requirement]
    run("dependencies", command, {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    uv = uv_next_to(python)
    if uv is None:
        raise SetupStepError("dependencies", f"pip installed {requirement}, but no uv")
    report("dependencies", f"installed {requirement} with pip to read uv.lock")
    return uv


def start_lock(uv: str, python: Path) -> subprocess.Popen[bytes] | None:
    """Start writing uv.lock from pyproject.toml unless it exists; return the process.

    Resolving asks the package index about every dependency, about a second of
    waiting on the network that the setup steps can use meanwhile. uv gets
    the project's Python: left to find one, it passes over a virtual
    environment's and runs the next ones on PATH (with pyenv, shell scripts),
    CPU the setup steps need. The lock is the same.
    """
    if LOCK.exists():
        report("lock file", f"kept {LOCK.name}")
        return None
    command = [uv, "lock", "--quiet", "--python", str(python)]
    try:
        return subprocess.Popen(command, cwd=ROOT, env=uv_environment())
    except OSError as error:
        raise SetupStepError("lock file", str(error)) from error


def finish_lock(locking: subprocess.Popen[bytes] | None) -> None:
    """Wait for ``start_lock``'s process; raise ``SetupStepError`` when it failed."""
    if locking is None:
        return
    if locking.wait() != 0:
        raise SetupStepError("lock file", f"exit status {locking.returncode}")
    report("lock file", f"created {LOCK.name}: commit it, every checkout installs it")


def sync_locked(uv: str) -> None:
    """Make .venv hold exactly what uv.lock pins: install, upgrade, downgrade, remove."""
    # No --compile-bytecode: it compiles every package (mypy's and the test
    # tools' too) on each run, seconds of work; Python compiles what it
    # imports, once. Even with PYTHONDONTWRITEBYTECODE, which keeps it from
    # saving that work: the setup steps share one process, so they compile
    # Django once per run, not once per step.
    command = [uv, "sync", "--frozen", "--extra", "dev", "--quiet"]
    run("dependencies", command, uv_environment(UV_PROJECT_ENVIRONMENT=str(VENV)))
    report("dependencies", f"{VENV.name} holds exactly {LOCK.name}")


def prepare_python(
    env: str, with_install: bool
) -> tuple[Path, subprocess.Popen[bytes] | None]:
    """Return the Python the project runs with, its dependencies installed.

    With ``--env current`` uv.lock may still be being written: the second
    value is that process, for ``finish_lock``.
    """
    path_uv = shutil.which("uv")
    if env == "current":
        python = Path(sys.executable)
        if not with_install:
            return python, None
        install(python, uv_next_to(python) or path_uv)
        uv = uv_next_to(python) or path_uv
        if uv:
            return python, start_lock(uv, python)
        if not LOCK.exists():
            report("lock file", "not created: uv is not installed here")
        return python, None
    create_venv(path_uv)
    python = venv_python()
    if with_install:
        uv = uv_next_to(python) or path_uv or install_uv_with_pip(python)
        finish_lock(start_lock(uv, python))
        sync_locked(uv)
    return python, None


# Configuration -------------------------------------------------------------------


def fill_dotenv(template: str, values: dict[str, str]) -> str:
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


def write_dotenv() -> None:
    """Write .env (readable by you only) from .env.example with a fresh secret key."""
    step = ".env"
    if DOTENV.exists():
        report(step, "kept (existing secrets unchanged)")
        return
    values = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
    if os.environ.get("DATABASE_URL"):
        values["DATABASE_URL"] = os.environ["DATABASE_URL"]
    text = fill_dotenv((ROOT / ".env.example").read_text(), values)
    try:
        descriptor = os.open(DOTENV, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(text)
    except OSError as error:
        raise SetupStepError(step, str(error)) from error
    report(step, "written with a new DJANGO_SECRET_KEY (readable by you only)")


def manage_commands(
    superuser: bool, schema: bool = False
) -> list[tuple[str, list[str]]]:
    """Return the ``manage.py`` commands of the setup, in order, each with its step name.

    ``schema``: write openapi.yaml too, listed after migrate (it runs beside
    it where it can) and before the superuser, whose password may be refused.
    """
    commands = [
{%- if cookiecutter.service_role == "issuer" %}
        ("JWT keys", ["generate_jwt_keys"]),{% endif %}
{%- if cookiecutter.database == "postgresql" %}
        ("database", ["create_database"]),{% endif %}
        ("migrate", ["migrate", "--noinput"]),
    ]
    if schema:
        commands.append(("API schema", SCHEMA_COMMAND))
    if superuser:
        commands.append(("superuser", ["createsuperuser", "--noinput"]))
    return commands


def run_manage_commands(
    python: Path, commands: list[tuple[str, list[str]]], env: dict[str, str]
) -> None:
    """Run ``commands`` in one ``python`` process; raise ``SetupStepError`` naming the failed one."""
    process = [str(python), "-m", "config.setup_steps", json.dumps(commands)]
    try:
        status = subprocess.run(process, cwd=ROOT, env=env, check=False).returncode
    except OSError as error:
        raise SetupStepError(commands[0][0], str(error)) from error
    if status == 0:
        return
    index = status - FIRST_STEP_STATUS
    if 0 <= index < len(commands):
        step, arguments = commands[index]
        raise SetupStepError(step, f"manage.py {arguments[0]} stopped (see above)")
    # It stopped before its first step (no Django there, say).
    raise SetupStepError(commands[0][0], f"exit status {status}")


def set_up_with_django(python: Path, superuser: bool) -> None:
    """Run the management commands of the setup, openapi.yaml's unless it exists."""
    schema = not SCHEMA.exists()
    if not schema:
        report("API schema", f"kept {SCHEMA.name}")
    commands = manage_commands(superuser, schema=schema)
    try:
        run_manage_commands(python, commands, {**SUPERUSER, **os.environ})
    except SetupStepError as error:
        if error.step == "API schema":
            SCHEMA.unlink(missing_ok=True)
        raise
    if schema:
        report("API schema", f"created {SCHEMA.name}: commit it, CI compares it")


def print_next_steps(python: Path, superuser: bool) -> None:
    """Print how to start the service and walk the JWT flow of README.md's 'Run it'."""
    shown = python.relative_to(ROOT) if python.is_relative_to(ROOT) else python
    lines = [
        f"{PROJECT_NAME} is ready in {ROOT}",
        f"  Start it:     cd {shlex.quote(str(ROOT))} && {shown} manage.py runserver {PORT}",
    ]
    if ISSUES_TOKENS:
        name = f"DJANGO_SUPERUSER_{LOGIN_FIELD.upper()}"
        login = SUPERUSER[name] if superuser else f"<{LOGIN_FIELD}>"
        credentials = json.dumps({LOGIN_FIELD: login, "password": "<password>"})
        lines.append(
            f"  Get a token:  curl -X POST http://127.0.0.1:{PORT}/api/token/ "
            f"-H 'Content-Type: application/json' -d {shlex.quote(credentials)}"
        )
{%- if cookiecutter.mfa == "totp" %}
        lines.append(
            "                (staff answer mfa_enrolment_required: enrol a TOTP device "
            'first, README "Two-factor login")'
        )
{%- endif %}
        access = "<access token>"
    else:
        lines.append(
            "  Its issuer:   JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE in .env"
            " (an issuer of this template on port 8000 by default)"
        )
        access = "<access token from the issuer>"
    lines += [
        f"  Call the API: curl http://127.0.0.1:{PORT}/api/ "
        f"-H 'Authorization: {HEADER_TYPE} {access}'",
        f"  Run tests:    {shown} -m pytest",
    ]
    print("\n" + "\n".join(lines) + "\n", flush=True)


# Command line --------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
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
        help="create the superuser (DJANGO_SUPERUSER_USERNAME, _EMAIL, _PASSWORD) "
        "unless it exists",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    needed = minimum_python()
    if needed and sys.version_info[:2] < needed:
        version = ".".join(map(str, needed))
        print(
            f"bootstrap: {PROJECT_NAME} needs Python {version} or newer "
            f"(requires-python in pyproject.toml); {sys.executable} is Python "
            f"{sys.version.split()[0]}. Run this script with python{version} or newer.",
            file=sys.stderr,
        )
        return 1
    args = parse_args(argv)
    locking = None
    try:
        python, locking = prepare_python(args.env, args.install)
        write_dotenv()
        set_up_with_django(python, args.superuser)
        finish_lock(locking)
    except SetupStepError as error:
        if locking is not None:
            locking.wait()
        finish = shlex.join([sys.executable, "bootstrap.py", *argv])
        print(
            f"bootstrap: {error.step} failed: {error.reason}\n"
            "bootstrap: setup is not finished; every file written so far is kept.\n"
            f"Fix the cause above, then finish with:\n"
            f"  cd {shlex.quote(str(ROOT))} && {finish}",
            file=sys.stderr,
        )
        return 1
    print_next_steps(python, args.superuser)
    return 0


if __name__ == "__main__":
    sys.exit(main())
