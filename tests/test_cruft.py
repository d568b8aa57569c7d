"""cruft: create a project from the template, then pull a template change into it.

cruft renders the template again, into temporary folders, on every update:
the setup must not run there, and the project's secrets, keys, database and
virtual environment must come out of an update untouched.
"""

import json
import shutil
import sys

import pytest

from tests.support.baking import SUPERUSER_PASSWORD, TEMPLATE_DIR
from tests.support.commands import project_env, run

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def git(folder, *arguments):
    return run(["git", *arguments], folder, env=project_env(**GIT_IDENTITY))


def cruft(folder, *arguments):
    return run([sys.executable, "-m", "cruft", *arguments], folder)


@pytest.fixture
def template_repository(tmp_path):
    """A git repository holding this checkout's template, as cruft needs one."""
    repository = tmp_path / "template"
    listed = run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"], TEMPLATE_DIR
    ).stdout.splitlines()
    for relative in listed:
        source = TEMPLATE_DIR / relative
        if source.is_file():
            target = repository / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(repository, "init", "-q")
    git(repository, "add", "-A")
    git(repository, "commit", "-q", "-m", "Template")
    return repository


@pytest.fixture
def created_project(tmp_path, template_repository):
    """A project made by ``cruft create``, set up with bootstrap.py, committed."""
    output = tmp_path / "projects"
    output.mkdir()
    answers = {"jwt_algorithm": "ES256", "setup_environment": "current"}
    created = cruft(
        output,
        "create",
        str(template_repository),
        "--no-input",
        "--extra-context",
        json.dumps(answers),
    )
    project = output / "my_service"
    return project, created.stdout + created.stderr


def test_cruft_create_generates_the_project_without_running_the_setup(created_project):
    project, output = created_project

    assert (project / "bootstrap.py").exists()
    assert (project / ".cruft.json").exists()
    assert not (project / ".env").exists()
    assert not (project / ".venv").exists()
    assert not (project / "db.sqlite3").exists()
    assert "Rendered by cruft: files only" in output
    assert "python3 bootstrap.py" in output


def test_cruft_json_holds_no_secret(created_project):
    project, _ = created_project
    run(
        [sys.executable, "bootstrap.py", "--env", "current"],
        project,
        env=project_env(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD),
    )
    cruft_state = (project / ".cruft.json").read_text()

    dotenv = (project / ".env").read_text()
    secret_key = dotenv.split("DJANGO_SECRET_KEY=")[1].split()[0]
    assert secret_key not in cruft_state
    assert (project / "keys" / "jwt_private.pem").read_text() not in cruft_state
    assert SUPERUSER_PASSWORD not in cruft_state
    assert "password" not in cruft_state.lower()


def test_cruft_update_applies_template_changes_and_keeps_state(
    created_project, template_repository
):
    project, _ = created_project
    run(
        [sys.executable, "bootstrap.py", "--env", "current"],
        project,
        env=project_env(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD),
    )
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "Generated with cruft")
    state_files = [".env", "keys/jwt_private.pem", "keys/jwt_public.pem", "db.sqlite3"]
    before = {name: (project / name).read_bytes() for name in state_files}

    readme = template_repository / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(
        readme.read_text() + "\n## Changelog\n\nA template improvement.\n"
    )
    git(template_repository, "commit", "-q", "-am", "Improve the generated README")

    updated = cruft(project, "update", "--skip-apply-ask", "--allow-untracked-files")
    output = updated.stdout + updated.stderr

    assert "Rendered by cruft: files only" in output
    assert "bootstrap:" not in output

    assert "A template improvement." in (project / "README.md").read_text()
    assert {name: (project / name).read_bytes() for name in state_files} == before
    assert not (project / ".venv").exists()
    assert json.loads((project / ".cruft.json").read_text())["commit"] == (
        git(template_repository, "rev-parse", "HEAD").stdout.strip()
    )


def test_a_project_baked_by_cookiecutter_updates_with_cruft_without_prompts(
    tmp_path, template_repository
):
    """The README's first command leaves a .cruft.json: ``cruft update`` works at once."""
    output = tmp_path / "baked"
    output.mkdir()
    run(
        [
            sys.executable, "-m", "cookiecutter", str(template_repository),
            "--no-input", "setup_environment=skip", "project_name=Order Desk",
            "jwt_algorithm=ES256",
        ],
        output,
        env=project_env(**GIT_IDENTITY),
    )  # fmt: skip
    project = output / "order_desk"
    assert git(project, "status", "--porcelain").stdout == ""

    readme = template_repository / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(
        readme.read_text() + "\n## Changelog\n\nA template improvement.\n"
    )
    git(template_repository, "commit", "-q", "-am", "Improve the generated README")

    execute_update = run(
        [sys.executable, "-m", "cruft", "update", "--skip-apply-ask"],
        project,
        env=project_env(**GIT_IDENTITY),
        timeout=300,
    )

    assert "A template improvement." in (project / "README.md").read_text(), (
        execute_update.stdout + execute_update.stderr
    )
    # The answers held: no prompt asked for them again.
    assert "# Order Desk" in (project / "README.md").read_text()
    assert "ES256" in (project / ".env.example").read_text()
    assert json.loads((project / ".cruft.json").read_text())["commit"] == (
        git(template_repository, "rev-parse", "HEAD").stdout.strip()
    )
