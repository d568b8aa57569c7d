"""CI and pre-commit files of baked projects, and the template's own workflow.

Without a GitHub runner, the workflows are validated against their published
schema, linted (actionlint), and the commands they run are run on this machine
in a fresh checkout.
"""

import os
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from tests.support.baking import TEMPLATE_DIR, fresh_checkout
from tests.support.commands import TOOLS, project_env, run, tool
from tests.support.databases import (
    drop_database,
    postgres_available,
    throwaway_database_url,
)
from tests.support.variants import answers, variants

SLUG_DIR = "{{cookiecutter.project_slug}}"
WORKFLOW = Path(".github/workflows/ci.yml")


def load_yaml(path):
    # YAML 1.1 reads a bare "on:" key as True; GitHub reads it as "on".
    data = yaml.safe_load(Path(path).read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


# GitHub Actions -----------------------------------------------------------------


def template_workflows():
    return sorted((TEMPLATE_DIR / ".github" / "workflows").glob("*.yml"))


@variants("default", "postgresql", "redis")
def test_generated_workflow_is_valid_for_github_actions(project):
    run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            str(WORKFLOW),
        ],
        project,
    )
    run([tool("actionlint"), str(WORKFLOW)], project)


def test_template_workflows_are_valid_for_github_actions():
    workflows = [str(path) for path in template_workflows()]

    assert workflows, "the template repository has no workflow"
    run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *workflows,
        ],
        TEMPLATE_DIR,
    )
    run([tool("actionlint"), *workflows], TEMPLATE_DIR)


def test_template_workflow_runs_what_ci_run_runs():
    workflow = load_yaml(template_workflows()[0])
    (job,) = workflow["jobs"].values()
    commands = [step["run"] for step in job["steps"] if "run" in step]

    assert any(command.endswith("bash .ci/run") for command in commands)
    assert {"postgres", "redis"} <= set(job["services"])
    ports = {port for service in job["services"].values() for port in service["ports"]}
    assert {"5432:5432", "6379:6379"} <= ports


@variants("default", "postgresql", "redis")
def test_generated_workflow_runs_lint_tests_and_django_checks(project, variant):
    workflow = load_yaml(project / WORKFLOW)
    job = workflow["jobs"]["test"]
    commands = " && ".join(step["run"] for step in job["steps"] if "run" in step)

    for expected in (
        "ruff check",
        "ruff format --check",
        "mypy",
        "pytest",
        "makemigrations --check",
        "check --deploy",
    ):
        assert expected in commands
    services = job.get("services", {})
    assert ("postgres" in services) == (
        answers(variant).get("database") == "postgresql"
    )
    assert ("redis" in services) == (answers(variant).get("use_redis") == "yes")


@variants("default", "postgresql", "redis", "rs256")
def test_generated_workflow_steps_pass_in_a_fresh_checkout(project, tmp_path):
    """Run every ``run`` step of the job, in order, as the runner would.

    ``python`` and ``uv`` are the test environment's (the actions' stand-ins);
    bootstrap.py installs the committed uv.lock into the checkout's .venv from
    uv's cache. Services are this machine's, and a PostgreSQL project gets a
    throwaway database instead of the job's.
    """
    job = load_yaml(project / WORKFLOW)["jobs"]["test"]
    checkout = fresh_checkout(project, tmp_path / "checkout")
    job_env = {name: str(value) for name, value in job.get("env", {}).items()}
    database = None
    if "postgres" in job.get("services", {}):
        if not postgres_available():
            pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
        database = job_env["DATABASE_URL"] = throwaway_database_url("ci")
    try:
        for step in job["steps"]:
            if "run" not in step:
                continue
            env = project_env(
                PATH=f"{TOOLS}{os.pathsep}{os.environ['PATH']}",
                **job_env,
                **{name: str(value) for name, value in step.get("env", {}).items()},
            )
            run(["bash", "-e", "-c", step["run"]], checkout, env=env)
    finally:
        if database:
            drop_database(database)


# pre-commit ---------------------------------------------------------------------


def test_pre_commit_config_has_no_template_syntax_and_is_valid(tmp_path):
    source = TEMPLATE_DIR / SLUG_DIR / ".pre-commit-config.yaml"

    assert "{{" not in source.read_text()
    assert "{%" not in source.read_text()
    run([tool("pre-commit"), "validate-config", str(source)], tmp_path)


@variants("default")
def test_pre_commit_ruff_is_the_ruff_the_project_declares(project):
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    (ruff_repo,) = [
        repo for repo in config["repos"] if "ruff-pre-commit" in repo["repo"]
    ]
    declared = tomllib.loads((project / "pyproject.toml").read_text())
    (ruff,) = [
        Requirement(text)
        for text in declared["project"]["optional-dependencies"]["dev"]
        if Requirement(text).name == "ruff"
    ]

    assert ruff.specifier.contains(ruff_repo["rev"].removeprefix("v"))


@variants("default", "rs256", "postgresql")
def test_generated_files_pass_the_pre_commit_hooks(project, tmp_path):
    """Run the pre-commit-hooks the config lists, on a fresh repository of the project.

    pre-commit itself would clone the hooks' repositories; their PyPI package
    provides the same commands. The ruff hooks are ruff check and ruff format,
    which every baked project is tested with.
    """
    checkout = fresh_checkout(project, tmp_path / "checkout")
    run(["git", "init", "--quiet", "."], checkout)
    run(["git", "add", "--all"], checkout)
    files = sorted(run(["git", "ls-files"], checkout).stdout.split())
    for hook, *arguments in (
        ("check-added-large-files", *files),
        ("check-merge-conflict", "--assume-in-merge", *files),
        ("check-toml", *[name for name in files if name.endswith(".toml")]),
        ("check-yaml", *[name for name in files if name.endswith((".yml", ".yaml"))]),
        ("detect-private-key", *files),
        ("end-of-file-fixer", *files),
        ("trailing-whitespace-fixer", *files),
    ):
        run([tool(hook), *arguments], checkout)


# Pruning ------------------------------------------------------------------------


@variants("default", "minimal-files")
def test_docker_and_ci_files_exist_exactly_when_chosen(project, variant):
    chosen = answers(variant)
    docker = chosen.get("use_docker", "yes") == "yes"
    github = chosen.get("ci_provider", "github") == "github"

    for name in ("Dockerfile", "compose.yaml", ".dockerignore"):
        assert (project / name).exists() == docker, name
    assert (project / WORKFLOW).exists() == github
    assert (project / ".pre-commit-config.yaml").exists()
