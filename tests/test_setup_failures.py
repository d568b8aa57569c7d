"""When the setup cannot finish: the files stay, and the output says how to finish."""

import json
import shutil
import stat
import sys

import pytest

from tests.support.commands import bake_environment, execute, project_env, run_failing
from tests.support.databases import require_postgres
from tests.support.setup_script import (
    offline_package_index,
    path_with_uv,
    path_without_uv,
)

# Failures keep the files and say how to finish ------------------------------------------


@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_unreachable_package_index_keeps_the_files_and_prints_the_command(
    cookies, capfd, installer
):
    path = path_with_uv() if installer == "uv" else path_without_uv()
    with bake_environment(PATH=path, **offline_package_index()):
        result = cookies.bake(extra_context={"setup_environment": "venv"})
    output = "".join(capfd.readouterr())

    assert result.exit_code == 0
    project = result.project_path
    assert (project / "bootstrap.py").exists()
    assert (project / "manage.py").exists()
    assert (project / ".venv").is_dir()
    # With uv, locking is the first step that needs the index; pip first fetches uv.
    failed = "lock file" if installer == "uv" else "dependencies"
    assert f"bootstrap: {failed} failed:" in output
    assert "every file written so far is kept" in output
    finish = f"cd {project} && {sys.executable} bootstrap.py --env venv"
    assert finish in output


def test_unreachable_package_index_fails_the_bake_in_strict_mode(cookies, capfd):
    with bake_environment(
        PATH=path_without_uv(), TEMPLATE_STRICT_SETUP="1", **offline_package_index()
    ):
        result = cookies.bake(extra_context={"setup_environment": "venv"})
    output = "".join(capfd.readouterr())

    assert result.exit_code != 0
    assert "TEMPLATE_STRICT_SETUP is set: failing the bake" in output


def test_unreachable_database_keeps_the_files_and_prints_the_command(cookies, capfd):
    require_postgres()
    with bake_environment(DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere"):
        result = cookies.bake(
            extra_context={"database": "postgresql", "setup_environment": "current"}
        )
    output = "".join(capfd.readouterr())

    assert result.exit_code == 0
    project = result.project_path
    assert stat.S_IMODE((project / ".env").stat().st_mode) == 0o600
    assert "bootstrap: database failed:" in output
    assert f"cd {project} && {sys.executable} bootstrap.py --env current" in output


def test_unreachable_database_fails_the_bake_in_strict_mode(cookies, capfd):
    with bake_environment(
        DATABASE_URL="postgres://postgres@127.0.0.1:9/nowhere",
        TEMPLATE_STRICT_SETUP="true",
    ):
        result = cookies.bake(
            extra_context={"database": "postgresql", "setup_environment": "current"}
        )

    assert result.exit_code != 0
    assert "TEMPLATE_STRICT_SETUP is set" in "".join(capfd.readouterr())


def test_setup_with_a_python_lacking_django_names_the_first_step(cookies, tmp_path):
    with bake_environment():
        project = cookies.bake(extra_context={"setup_environment": "skip"}).project_path
    bare = tmp_path / "bare"
    execute([sys.executable, "-m", "venv", "--without-pip", str(bare)], tmp_path)
    python = bare / "bin" / "python"

    completed = execute(
        [python, "bootstrap.py", "--env", "current", "--no-install"],
        project,
        project_env(),
    )

    assert completed.returncode == 1
    assert "No module named 'django'" in completed.stderr
    assert "bootstrap: JWT keys failed: exit status 1" in completed.stderr
    finish = f"cd {project} && {python} bootstrap.py --env current --no-install"
    assert finish in completed.stderr


def test_skip_writes_files_only_and_says_how_to_set_up(cookies, capfd):
    with bake_environment():
        result = cookies.bake(extra_context={"setup_environment": "skip"})
    output = capfd.readouterr().out

    project = result.project_path
    assert not (project / ".env").exists()
    assert not (project / ".venv").exists()
    assert not (project / "db.sqlite3").exists()
    assert f"cd {project} && python3 bootstrap.py" in output


def test_setup_command_refuses_to_continue_without_secrets_in_place(cookies):
    with bake_environment():
        project = cookies.bake(extra_context={"setup_environment": "skip"}).project_path

    output = run_failing([sys.executable, "manage.py", "check"], project, project_env())

    assert "DJANGO_SECRET_KEY" in output


def test_setup_with_a_too_old_python_says_which_python_it_needs(bake):
    old_python = shutil.which("python3.10")
    if old_python is None:
        pytest.skip("no Python 3.10 on this machine")
    project = bake().project_path

    completed = execute(
        [old_python, "bootstrap.py"], project, project_env(PYENV_VERSION="3.10.13")
    )

    assert completed.returncode == 1
    assert "needs Python 3.11 or newer (requires-python" in completed.stderr


# The API schema runs beside migrate ------------------------------------------------------

# config/setup_steps.py: a failed step's exit status is this plus its index.
FIRST_STEP_STATUS = 10


def migrate_and_schema(project, schema, **env):
    """Run bootstrap.py's migrate and API schema steps in ``project``, the schema to ``schema``."""
    steps = [
        ["migrate", ["migrate", "--noinput"]],
        ["API schema", ["spectacular", "--file", str(schema)]],
    ]
    command = [sys.executable, "-m", "config.setup_steps", json.dumps(steps)]
    return execute(command, project, project_env(**env))


def test_a_failed_schema_beside_migrate_is_the_step_named(bake, tmp_path):
    project = bake().project_path
    completed = migrate_and_schema(project, tmp_path / "missing" / "openapi.yaml")

    assert completed.returncode == FIRST_STEP_STATUS + 1
    assert "bootstrap: API schema: manage.py spectacular" in completed.stdout
    assert "No migrations to apply." in completed.stdout
    assert "FileNotFoundError" in completed.stderr


def test_a_failed_migrate_is_named_though_the_schema_beside_it_was_written(
    bake, tmp_path
):
    project = bake().project_path
    schema = tmp_path / "openapi.yaml"
    missing = tmp_path / "missing" / "db.sqlite3"

    completed = migrate_and_schema(project, schema, DATABASE_URL=f"sqlite:///{missing}")

    assert completed.returncode == FIRST_STEP_STATUS
    assert "openapi: 3" in schema.read_text()
