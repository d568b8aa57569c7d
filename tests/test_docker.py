"""Dockerfile, .dockerignore and compose.yaml of baked projects, checked without a container engine.

The files are parsed and validated against their published schemas, linted
(hadolint), the paths they name are checked, and the commands they run are run
on this machine. tests/test_containers.py builds and runs the images and stacks
with podman.
"""

import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest

from tests.support.baking import fresh_checkout
from tests.support.commands import TOOLS, manage, project_env, run, tool
from tests.support.container_files import (
    build_context,
    compose_file,
    dockerfile_instructions,
    dockerignore_patterns,
    env_assignments_and_command,
    exec_form,
    ignored_by_docker,
    stages,
)
from tests.support.databases import (
    create_database,
    drop_database,
    postgres_available,
    throwaway_database_url,
)
from tests.support.variants import answers, variants

# Dockerfile ---------------------------------------------------------------------


@variants("default", "postgresql", "rs256")
def test_dockerfile_passes_hadolint(project):
    run([tool("hadolint"), "Dockerfile"], project)


@variants("default", "postgresql")
def test_dockerfile_builds_in_stages_and_runs_gunicorn_unprivileged(project):
    built = stages(dockerfile_instructions(project / "Dockerfile"))
    (_, build), (_, runtime) = built[0], built[-1]

    assert len(built) >= 2
    assert any("uv sync --frozen" in args for key, args in build if key == "RUN")
    assert ("COPY", "--from=build /opt/venv /opt/venv") in runtime
    users = [args for key, args in runtime if key == "USER"]
    assert users, "the runtime stage never leaves root"
    assert users[-1] not in {"root", "0", "0:0"}
    keywords = [key for key, _ in runtime]
    assert keywords.index("USER") < keywords.index("CMD")
    command = exec_form(dict(runtime)["CMD"])
    assert command == ["gunicorn", "--config", "config/gunicorn.py", "config.wsgi"]


@variants("default", "postgresql")
def test_dockerfile_names_only_files_the_build_context_has(project):
    patterns = dockerignore_patterns(project)
    instructions = dockerfile_instructions(project / "Dockerfile")
    copied = [
        source
        for keyword, arguments in instructions
        if keyword == "COPY" and "--from=" not in arguments
        for source in arguments.split()[:-1]
        if not source.startswith("--")
    ]
    command = exec_form(dict(stages(instructions)[-1][1])["CMD"])
    named = [
        *copied,
        command[command.index("--config") + 1],
        "manage.py",
        "config/wsgi.py",
    ]

    missing = [name for name in named if not (project / name).exists()]
    ignored = [
        name for name in named if name != "." and ignored_by_docker(name, patterns)
    ]

    assert missing == []
    assert ignored == []


@variants("default", "rs256", "postgresql")
def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image(project, tmp_path):
    context = build_context(project, tmp_path / "context")
    sent = {
        str(path.relative_to(context)) for path in context.rglob("*") if path.is_file()
    }

    local_state = ("keys/", ".venv/", ".cache/", "staticfiles/", "db.sqlite3")
    leaked = {name for name in sent if name == ".env" or name.startswith(local_state)}
    assert leaked == set()
    assert {"manage.py", "pyproject.toml", "config/settings/production.py"} <= sent
    # The tests stay out too, the project's and those beside each package.
    assert {name for name in sent if "tests" in name.split("/")} == set()
    assert "conftest.py" not in sent


@variants("cookie")
def test_the_readmes_cookie_jar_stays_out_of_git_and_the_image(project):
    """The curl examples of the cookie transport write a refresh token to a file."""
    readme = (project / "README.md").read_text()
    jars = set(re.findall(r"curl (?:-b \S+ )?-c (\S+)", readme))
    assert jars
    patterns = dockerignore_patterns(project)
    for jar in jars:
        assert ignored_by_docker(jar, patterns), jar
        ignored = subprocess.run(
            ["git", "check-ignore", "--no-index", "--quiet", jar],
            cwd=project,
            check=False,
        )
        assert ignored.returncode == 0, f"{jar} is not git-ignored"


@variants("default", "rs256", "postgresql")
def test_dockerfile_collectstatic_step_works_with_only_its_build_variables(
    project, tmp_path
):
    instructions = dockerfile_instructions(project / "Dockerfile")
    runtime = dict(stages(instructions)[-1][1])
    step = next(
        arguments
        for keyword, arguments in instructions
        if keyword == "RUN" and "collectstatic" in arguments
    )
    variables, command = env_assignments_and_command(step)
    settings = next(
        value
        for key, value in (
            word.split("=", 1) for word in runtime["ENV"].split() if "=" in word
        )
        if key == "DJANGO_SETTINGS_MODULE"
    )
    context = build_context(project, tmp_path / "context")
    # Only what the image has: no .env, no keys, no variables of this machine.
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": settings, **variables}

    assert command[:2] == ["python", "manage.py"]
    run([sys.executable, *command[1:]], context, env=env)

    assert (context / "staticfiles" / "staticfiles.json").exists()
    assert list((context / "staticfiles").rglob("swagger-ui-bundle.*.js.gz"))


# compose.yaml -------------------------------------------------------------------


@variants("default", "postgresql", "redis", "rs256", "verifier")
def test_compose_file_follows_the_compose_specification(project):
    run(
        [
            tool("check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            "compose.yaml",
        ],
        project,
    )


@variants("default", "postgresql", "redis", "rs256")
def test_compose_file_names_existing_files_services_and_volumes(project, variant):
    compose = compose_file(project)
    services = compose["services"]
    chosen = answers(variant)

    assert ("db" in services) == (chosen.get("database") == "postgresql")
    assert ("redis" in services) == (chosen.get("use_redis") == "yes")
    for name, service in services.items():
        if "build" in service:
            context = service["build"]["context"]
            assert (project / context / "Dockerfile").exists(), name
            for secret in service["build"].get("secrets", []):
                assert secret in compose["secrets"], f"{name}: {secret}"
        if "env_file" in service:
            assert (project / service["env_file"]).exists(), name
        assert set(service.get("depends_on", {})) <= set(services), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (project / source).exists(), f"{name}: {volume}"
            else:
                assert source in compose.get("volumes", {}), f"{name}: {volume}"
    assert (
        services["web"]["depends_on"]["migrate"]["condition"]
        == "service_completed_successfully"
    )


@variants("default", "postgresql")
def test_compose_sends_the_issuers_mail_to_a_mail_catcher_shown_here_only(project):
    """tests/test_containers.py sends a password reset through it."""
    compose = compose_file(project)
    services = compose["services"]
    mail = services["mail"]

    assert re.fullmatch(r"axllent/mailpit:v\d+\.\d+", mail["image"])
    assert "build" not in mail
    assert mail["ports"] == ["127.0.0.1:${MAIL_UI_PORT:-8025}:8025"]
    for name in ("migrate", "web", "worker"):
        email_url = services[name]["environment"]["EMAIL_URL"]
        assert email_url == "${EMAIL_URL:-smtp://mail:1025}", name
    assert "mail" in services["worker"]["depends_on"]
    readme = (project / "README.md").read_text()
    assert "http://localhost:8025/" in readme
    assert "MAIL_UI_PORT" in readme


@variants("verifier")
def test_a_verifiers_compose_has_no_mail_service(project):
    services = compose_file(project)["services"]

    assert "mail" not in services
    assert "worker" not in services
    assert all(
        "EMAIL_URL" not in service.get("environment", {})
        for service in services.values()
    )


def compose_interpolated(value):
    """Return ``value`` with compose's ``${NAME:-default}`` filled in from this environment."""
    return re.sub(
        r"\$\{(\w+):-([^}]*)\}",
        lambda match: os.environ.get(match[1]) or match[2],
        value,
    )


@variants("postgresql", "redis")
def test_compose_environment_is_enough_to_migrate_with_production_settings(
    project, tmp_path
):
    """Run the migrate service's command with the environment compose gives it.

    The service names (db, redis) become this machine's servers, and the
    database a throwaway one.
    """
    service = compose_file(project)["services"]["migrate"]
    environment = {
        name: compose_interpolated(str(value))
        .replace("@db:", "@127.0.0.1:")
        .replace("//redis:", "//127.0.0.1:")
        for name, value in service["environment"].items()
    }
    database = None
    if environment["DATABASE_URL"].startswith("postgres"):
        if not postgres_available():
            pytest.skip("PostgreSQL is not listening on 127.0.0.1:5432")
        # compose's db service creates the database (POSTGRES_DB); so does this.
        database = environment["DATABASE_URL"] = throwaway_database_url("compose")
        create_database(database)
    else:
        environment["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    try:
        # The command as compose runs it, ``python`` being the test interpreter.
        env = project_env(
            PATH=f"{TOOLS}{os.pathsep}{os.environ['PATH']}",
            DJANGO_SETTINGS_MODULE="config.settings.production",
            **environment,
        )
        # compose reads $$ as a literal $.
        run([part.replace("$$", "$") for part in service["command"]], project, env=env)
        manage(project, "check", settings="config.settings.production", env=env)
    finally:
        if database:
            drop_database(database)


# Installing the dependencies ------------------------------------------------------


@pytest.mark.slow
@variants("postgresql")
def test_dependencies_install_from_the_lock_as_the_dockerfile_does(project, tmp_path):
    """Run the build stage's COPY and install lines with only the files it copies."""
    build = stages(dockerfile_instructions(project / "Dockerfile"))[0][1]
    context = tmp_path / "context"
    context.mkdir()
    for keyword, arguments in build:
        if keyword == "COPY":
            for name in arguments.split()[:-1]:
                shutil.copy2(project / name, context / name)
    install = next(
        part
        for key, args in build
        if key == "RUN"
        for part in args.split("&&")
        if "uv sync" in part
    )
    assignments, command = env_assignments_and_command(install)
    venv = tmp_path / "venv"
    assignments["UV_PROJECT_ENVIRONMENT"] = str(venv)
    env = project_env(
        UV_PYTHON_DOWNLOADS="never", UV_PYTHON=sys.executable, **assignments
    )

    run([tool("uv"), *command[1:]], context, env=env)

    run([venv / "bin" / "python", "-c", IMPORTS], project)
    frozen = run(
        [tool("uv"), "pip", "freeze", "--python", venv / "bin" / "python"], project
    )
    installed = dict(line.lower().split("==") for line in frozen.stdout.split())
    locked = {
        package["name"]: package["version"]
        for package in tomllib.loads((project / "uv.lock").read_text())["package"]
        if "version" in package
    }
    assert installed["django"] == locked["django"]
    assert installed["psycopg"] == locked["psycopg"]
    assert "pytest" not in installed, "the image holds the dev extra"


@pytest.mark.slow
@variants("default")
def test_project_installs_with_pip_and_passes_its_tests(project, tmp_path):
    venv = tmp_path / "venv"
    checkout = fresh_checkout(project, tmp_path / "checkout")
    run([sys.executable, "-m", "venv", str(venv)], checkout)
    python = venv / "bin" / "python"

    run([python, "-m", "pip", "install", "--quiet", "-e", ".[dev]"], checkout)

    run([python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], checkout)


IMPORTS = "import django, rest_framework_simplejwt, drf_spectacular_sidecar, whitenoise, gunicorn, psycopg, redis"
