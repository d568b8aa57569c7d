"""The init_git answer: a bake is a git repository with a first commit, unless inside one."""

import subprocess

import pytest

from tests.support.hooks import load_hook

post_gen = load_hook("post_gen_project")


def git(directory, *arguments):
    return subprocess.run(
        ["git", *arguments], cwd=directory, capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def no_git_identity(monkeypatch, tmp_path):
    """A user whose git knows no name or email (a fresh home directory)."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    for variable in (
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "EMAIL",
    ):
        monkeypatch.delenv(variable, raising=False)


@pytest.mark.xdist_group("default")
def test_the_default_bake_is_a_repository_whose_first_commit_holds_no_state(bake):
    project = bake().project_path

    assert git(project, "rev-list", "--count", "HEAD").strip() == "1"
    tracked = set(git(project, "ls-files").split())
    assert {
        "manage.py",
        "uv.lock",
        "openapi.yaml",
        ".env.example",
        ".gitignore",
    } <= tracked
    assert not {".env", "db.sqlite3"} & tracked
    assert not [path for path in tracked if path.startswith(("keys/", ".cache/"))]
    # Everything setup made (.env, keys, the database, the cache) is ignored.
    assert git(project, "status", "--porcelain") == ""


def test_no_repository_when_the_answer_is_no(cookies):
    result = cookies.bake(extra_context={"init_git": "no", "setup_environment": "skip"})

    assert result.exit_code == 0, result.exception
    assert not (result.project_path / ".git").exists()


def test_no_repository_of_its_own_inside_an_existing_one(tmp_path):
    git(tmp_path, "init", "--quiet")
    project = tmp_path / "services" / "my_service"
    project.mkdir(parents=True)
    (project / "manage.py").write_text("")

    outcome = post_gen.start_repository(project)

    assert "existing repository" in outcome
    assert not (project / ".git").exists()


@pytest.mark.usefixtures("no_git_identity")
def test_the_first_commit_is_the_authors_when_git_knows_no_user(tmp_path):
    (tmp_path / "manage.py").write_text("")

    started = post_gen.start_repository(tmp_path)
    outcome = post_gen.first_commit(tmp_path, "Ana Lima", "ana@example.com", started)

    assert "failed" not in outcome, outcome
    assert git(tmp_path, "log", "--format=%an <%ae>").strip() == (
        "Ana Lima <ana@example.com>"
    )


def test_the_first_commit_holds_what_changed_after_the_files_were_staged(tmp_path):
    # As in a bake: the setup writes uv.lock and rewrites a file while git
    # stages the generated ones.
    (tmp_path / "manage.py").write_text("generated\n")
    started = post_gen.start_repository(tmp_path)
    (tmp_path / "manage.py").write_text("changed by the setup\n")
    (tmp_path / "uv.lock").write_text("locked\n")

    outcome = post_gen.first_commit(tmp_path, "Ana", "ana@example.com", started)

    assert "failed" not in outcome, outcome
    assert git(tmp_path, "show", "HEAD:manage.py") == "changed by the setup\n"
    assert git(tmp_path, "show", "HEAD:uv.lock") == "locked\n"
    assert git(tmp_path, "status", "--porcelain") == ""
