"""django_version=6.1 bakes and passes its own checks under Python 3.12.

Django 6.x needs Python 3.12 or later, while the template's tests run on 3.11:
the bake only writes the files, and the project's own bootstrap.py, run with
Python 3.12, creates its .venv and installs Django 6.1 from the package index,
as a newcomer's first command would. Known upstream gap: simplejwt 5.5.1's
metadata lists Django up to 5.2 only; it declares no upper bound, so it
installs, and the suite below is what vouches for it.
"""

import os
import shutil
import subprocess

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import bake_environment, in_ci, project_env, run

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("django-6.1")]

# pyenv's shim picks the interpreter from PYENV_VERSION; elsewhere python3.12
# is the interpreter itself and the variable is ignored.
PYENV_VERSION = "3.12.1"


@pytest.fixture(scope="module")
def python312():
    """Return the path of a Python 3.12 interpreter, or skip (fail on CI)."""
    env = {
        **os.environ,
        "PYENV_VERSION": os.environ.get("PYENV_VERSION", PYENV_VERSION),
    }
    command = shutil.which("python3.12")
    completed = (
        subprocess.run(
            [command, "-c", "import sys; print(sys.executable)"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if command
        else None
    )
    if completed is None or completed.returncode != 0:
        message = "Python 3.12 is not installed (python3.12 on PATH, e.g. from pyenv)"
        if in_ci():
            pytest.fail(f"{message}, and CI must test django_version=6.1")
        pytest.skip(message)
    return completed.stdout.strip()


@pytest.fixture(scope="module")
def project61(cookies_session, python312):
    with bake_environment():
        result = cookies_session.bake(
            extra_context={"django_version": "6.1", "setup_environment": "skip"}
        )
    assert result.exit_code == 0, result.exception
    project = result.project_path
    env = project_env(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD)
    run([python312, "bootstrap.py"], project, env=env, timeout=900)
    return project


def venv_python(project):
    return project / ".venv" / "bin" / "python"


def test_django_61_project_runs_on_python_312_with_django_61(project61):
    versions = run(
        [
            venv_python(project61),
            "-c",
            "import sys, django; print(*sys.version_info[:2], django.get_version())",
        ],
        project61,
    ).stdout.split()

    assert versions[:2] == ["3", "12"]
    assert versions[2].startswith("6.1")


def test_django_61_project_passes_its_own_test_suite(project61):
    result = run(
        [venv_python(project61), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        project61,
    )

    assert " passed" in result.stdout
    assert " failed" not in result.stdout


def test_django_61_project_has_no_missing_migrations_and_is_ruff_clean(project61):
    python = venv_python(project61)
    env = project_env(DJANGO_SETTINGS_MODULE="config.settings.test")

    run(
        [python, "manage.py", "makemigrations", "--check", "--dry-run"],
        project61,
        env=env,
    )
    run([python, "-m", "ruff", "check", "--no-cache", "."], project61)
    run([python, "-m", "ruff", "format", "--check", "--no-cache", "."], project61)


def test_django_61_project_is_type_clean_against_django_61(project61):
    run([venv_python(project61), "-m", "mypy"], project61)


def test_django_61_project_serves_its_openapi_schema(project61):
    result = run(
        [
            venv_python(project61),
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
        ],
        project61,
        env=project_env(DJANGO_SETTINGS_MODULE="config.settings.test"),
    )

    assert result.stdout.startswith("openapi: 3")
