"""Run commands in a baked project, away from the developer's shell variables."""

import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

# The tools of the test requirements, installed next to the test interpreter.
TOOLS = Path(sys.executable).parent
# Variables of the developer's shell that would leak into a baked project.
PROJECT_ENV_NOISE = (
    "DJANGO_SETTINGS_MODULE",
    "DATABASE_URL",
    "VIRTUAL_ENV",
    "REDIS_URL",
)


def in_ci():
    """Return True on CI, where a missing service must fail rather than skip."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def project_env(**overrides):
    """Return an environment for commands run inside a baked project."""
    env = {
        key: value for key, value in os.environ.items() if key not in PROJECT_ENV_NOISE
    }
    env.update({key: str(value) for key, value in overrides.items()})
    return env


@contextmanager
def bake_environment(**overrides):
    """Run a bake without the caller's project variables, with ``overrides`` set."""
    saved = dict(os.environ)
    for name in PROJECT_ENV_NOISE:
        os.environ.pop(name, None)
    os.environ.update(overrides)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def execute(command, cwd, env=None, timeout=600):
    """Run ``command`` in ``cwd`` and return it completed, whatever its exit status."""
    return subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env or project_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def run(command, cwd, env=None, timeout=600):
    """Run ``command`` in ``cwd``; fail the test with its output when it fails."""
    completed = execute(command, cwd, env, timeout)
    if completed.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, command))} failed in {cwd} "
            f"(exit {completed.returncode}):\n{completed.stdout}\n{completed.stderr}"
        )
    return completed


def run_failing(command, cwd, env):
    """Run ``command``, which must fail; return its combined output."""
    completed = execute(command, cwd, env, timeout=120)
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, (
        f"{' '.join(map(str, command))} succeeded:\n{output}"
    )
    return output


def manage(project, *arguments, settings="config.settings.local", env=None):
    """Run ``manage.py`` of a baked project with the test interpreter."""
    environment = env or project_env()
    environment["DJANGO_SETTINGS_MODULE"] = settings
    return run([sys.executable, "manage.py", *arguments], project, env=environment)


def tool(name):
    """Return the path of a command installed next to the test interpreter."""
    path = TOOLS / name
    assert path.exists(), (
        f"{name} is not installed: pip install -r tests/requirements.txt"
    )
    return str(path)
