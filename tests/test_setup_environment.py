"""The environment the setup makes: newcomer virtual environments, the lock file, what it reads from the project."""

import json
import shutil
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import bake_environment, run
from tests.support.setup_script import (
    baked_module,
    bootstrap,
    path_with_uv,
    path_without_uv,
)


@pytest.fixture
def baked_bootstrap(cookies):
    """The bootstrap.py module of a project baked with the defaults (files only)."""
    with bake_environment():
        project = cookies.bake(extra_context={"setup_environment": "skip"}).project_path
    return baked_module(project)


# Newcomer bakes: a real virtual environment ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("installer", ["uv", "pip"])
def test_newcomer_bake_creates_a_working_virtual_environment(cookies, capfd, installer):
    path = path_with_uv() if installer == "uv" else path_without_uv()
    with bake_environment(PATH=path, DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD):
        result = cookies.bake(extra_context={"setup_environment": "venv"})
    output = capfd.readouterr().out

    assert result.exit_code == 0, output
    project = result.project_path
    python = project / ".venv" / "bin" / "python"
    assert f"created .venv with {'uv' if installer == 'uv' else 'venv'}" in output
    assert ("installed uv" in output) == (installer == "pip")
    # Neither installs pip into .venv: ensurepip alone took seconds.
    assert not (project / ".venv" / "bin" / "pip").exists()
    assert "created uv.lock" in output
    assert ".venv holds exactly uv.lock" in output
    run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    run([python, "manage.py", "check"], project)


# The lock file ----------------------------------------------------------------------------


def locked_versions(project):
    """Return ``{package: version}`` of a baked project's uv.lock."""
    lock = tomllib.loads((project / "uv.lock").read_text())
    return {entry["name"]: entry["version"] for entry in lock["package"]}


def installed_versions(python):
    """Return ``{package: version}`` of what ``python``'s environment holds."""
    uv = Path(sys.executable).with_name("uv")
    listing = run(
        [uv, "pip", "list", "--format", "json", "--python", python], Path.cwd()
    )
    return {
        entry["name"].lower().replace("_", "-"): entry["version"]
        for entry in json.loads(listing.stdout)
    }


def test_a_bake_writes_the_lock_file_the_team_commits(bake, tmp_path):
    project = bake().project_path
    locked = locked_versions(project)

    assert {"django", "djangorestframework-simplejwt", "pytest", "uv"} <= set(locked)
    clone = tmp_path / "project"
    shutil.copytree(project, clone, ignore=shutil.ignore_patterns(".venv", ".git"))
    run(["git", "init", "-q"], clone)
    run(["git", "add", "-A"], clone)
    staged = run(["git", "diff", "--cached", "--name-only"], clone).stdout.split()
    assert "uv.lock" in staged


def test_a_rerun_keeps_the_lock_it_finds(bake, capfd):
    project = bake(jwt_algorithm="HS384").project_path
    before = (project / "uv.lock").read_text()
    capfd.readouterr()

    output = bootstrap(project, "--env", "current", "--no-superuser").stdout

    assert "bootstrap: lock file: kept uv.lock" in output
    assert (project / "uv.lock").read_text() == before


@pytest.mark.slow
def test_a_rerun_makes_the_virtual_environment_match_the_lock_exactly(cookies):
    with bake_environment(
        PATH=path_with_uv(), DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD
    ):
        project = cookies.bake(extra_context={"setup_environment": "venv"}).project_path
    python = project / ".venv" / "bin" / "python"
    locked = locked_versions(project)
    uv = str(project / ".venv" / "bin" / "uv")
    run([uv, "pip", "uninstall", "--python", python, "whitenoise"], project)
    run([uv, "pip", "install", "--python", python, "ptyprocess"], project)
    assert "whitenoise" not in installed_versions(python)

    output = bootstrap(project, "--no-superuser", PATH=path_without_uv()).stdout

    installed = installed_versions(python)
    assert installed["whitenoise"] == locked["whitenoise"]
    assert "ptyprocess" not in installed
    assert {name: installed[name] for name in locked if name in installed} == {
        name: version for name, version in locked.items() if name in installed
    }
    assert "bootstrap: lock file: kept uv.lock" in output


def test_the_setup_reads_the_version_the_lock_pins(baked_bootstrap, tmp_path):
    lock = tmp_path / "uv.lock"
    lock.write_text(
        'version = 1\n[[package]]\nname = "uv"\nversion = "0.9.1"\n'
        '[[package]]\nname = "django"\nversion = "5.2.7"\n'
    )
    baked_bootstrap.LOCK = lock

    assert baked_bootstrap.locked_version("uv") == "0.9.1"
    assert baked_bootstrap.locked_version("flask") is None
    baked_bootstrap.LOCK = tmp_path / "missing.lock"
    assert baked_bootstrap.locked_version("uv") is None


@pytest.mark.parametrize(
    ("ci_provider", "present"), [("github", True), ("none", False)]
)
def test_dependabot_keeps_the_locks_and_the_actions_current(
    cookies, ci_provider, present
):
    with bake_environment():
        project = cookies.bake(
            extra_context={"setup_environment": "skip", "ci_provider": ci_provider}
        ).project_path
    config = project / ".github" / "dependabot.yml"

    assert config.exists() == present
    if present:
        updates = yaml.safe_load(config.read_text())["updates"]
        assert {update["package-ecosystem"] for update in updates} == {
            "uv",
            "npm",
            "github-actions",
        }
        checker = str(Path(sys.executable).with_name("check-jsonschema"))
        run([checker, "--builtin-schema", "vendor.dependabot", str(config)], project)


def test_the_setup_installs_every_declared_requirement(baked_bootstrap):
    declared = baked_bootstrap.declared_requirements()

    assert any(requirement.startswith("django>=") for requirement in declared)
    assert any(requirement.startswith("pytest") for requirement in declared)


def test_the_setup_reads_the_minimum_python_from_pyproject(baked_bootstrap):
    assert baked_bootstrap.minimum_python() == (3, 11)
