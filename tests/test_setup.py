"""The setup a bake runs (the project's bootstrap.py): what it leaves, secrets, reruns."""

import os
import re
import shutil
import stat
import sys
from pathlib import Path

import pytest
import yaml

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import bake_environment, project_env, run
from tests.support.serving import http, served
from tests.support.setup_script import baked_module, bootstrap

HMAC_KEY_BYTES = {"HS256": 32, "HS384": 48, "HS512": 64}
PASSWORD_LINE = re.compile(
    r"Superuser (\S+) created with password (\S+) \(shown once\)"
)


def dotenv(project):
    """Return the KEY=value pairs of a baked project's .env."""
    lines = (project / ".env").read_text().splitlines()
    return dict(re.findall(r"^([A-Z_]+)=(.+)$", "\n".join(lines), re.MULTILINE))


def secrets_of(project):
    """Return every secret a bake made: .env values and the private key."""
    values = dotenv(project)
    found = {
        name: values[name]
        for name in ("DJANGO_SECRET_KEY", "JWT_SIGNING_KEY")
        if name in values
    }
    private_key = project / "keys" / "jwt_private.pem"
    if private_key.exists():
        found["private key"] = private_key.read_text()
    return found


# What one bake leaves behind ---------------------------------------------------------


def test_generated_superuser_password_is_shown_once_and_nothing_else_secret(
    cookies, capfd
):
    with bake_environment():
        os.environ.pop("DJANGO_SUPERUSER_PASSWORD", None)
        os.environ.pop("CI", None)
        result = cookies.bake(extra_context={"setup_environment": "current"})
    output = "".join(capfd.readouterr())

    assert result.exit_code == 0
    (username, password), *others = PASSWORD_LINE.findall(output)
    assert others == []
    assert username == "admin"
    assert len(password) >= 20
    assert output.count(password) == 1
    for name, secret in secrets_of(result.project_path).items():
        assert secret not in output, f"{name} appears in the output"


def test_setup_ends_with_the_article_flow_in_the_project_header_type(cookies, capfd):
    with bake_environment(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD):
        result = cookies.bake(
            extra_context={
                "setup_environment": "current",
                "auth_header_types": "JWT,Bearer",
                "superuser_username": "ops.lead",
            }
        )
    output = capfd.readouterr().out

    assert result.exit_code == 0
    assert f"is ready in {result.project_path}" in output
    assert '-d \'{"username": "ops.lead", "password": "<password>"}\'' in output
    assert "-H 'Authorization: JWT <access token>'" in output


def test_on_ci_the_generated_password_is_kept_out_of_the_log(cookies, capfd):
    with bake_environment(CI="true"):
        os.environ.pop("DJANGO_SUPERUSER_PASSWORD", None)
        result = cookies.bake(extra_context={"setup_environment": "current"})
    output = "".join(capfd.readouterr())

    assert result.exit_code == 0
    password_file = result.project_path / ".superuser-password"
    password = password_file.read_text().strip()
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert password not in output
    assert f"password is in {password_file}" in output
    assert PASSWORD_LINE.findall(output) == []


def test_a_weak_superuser_password_stops_the_setup_and_keeps_everything_else(
    cookies, capfd
):
    with bake_environment(DJANGO_SUPERUSER_PASSWORD="admin"):
        result = cookies.bake(extra_context={"setup_environment": "current"})
    output = "".join(capfd.readouterr())

    assert result.exit_code == 0
    project = result.project_path
    assert "This password is too short" in output
    assert "bootstrap: superuser failed:" in output
    assert f"cd {project} && {sys.executable} bootstrap.py --env current" in output
    assert (project / ".env").exists()
    assert (project / "db.sqlite3").exists()
    assert "JWT_SIGNING_KEY" in dotenv(project)


def test_superuser_password_from_the_environment_is_never_printed(bake, capfd):
    project = bake(jwt_algorithm="HS512").project_path
    output = "".join(capfd.readouterr())

    assert SUPERUSER_PASSWORD not in output
    manage_check = (
        "from django.contrib.auth import get_user_model; "
        f"print(get_user_model().objects.get(username='admin').check_password('{SUPERUSER_PASSWORD}'))"
    )
    result = run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", manage_check],
        project,
    )
    assert result.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.parametrize("algorithm", HMAC_KEY_BYTES)
def test_hmac_signing_key_is_as_long_as_rfc_7518_asks(bake, algorithm):
    key = dotenv(bake(jwt_algorithm=algorithm).project_path)["JWT_SIGNING_KEY"]

    assert len(key.encode()) >= HMAC_KEY_BYTES[algorithm]
    assert (
        key != dotenv(bake(jwt_algorithm=algorithm).project_path)["DJANGO_SECRET_KEY"]
    )


@pytest.mark.parametrize("algorithm", ["HS256", "ES256"])
def test_two_bakes_share_no_secret(cookies, algorithm):
    with bake_environment(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD):
        first = cookies.bake(
            extra_context={"jwt_algorithm": algorithm, "setup_environment": "current"}
        )
        second = cookies.bake(
            extra_context={"jwt_algorithm": algorithm, "setup_environment": "current"}
        )

    first_secrets, second_secrets = (
        secrets_of(first.project_path),
        secrets_of(second.project_path),
    )
    assert first_secrets.keys() == second_secrets.keys()
    assert len(first_secrets) >= 2
    for name in first_secrets:
        assert first_secrets[name] != second_secrets[name], name


def test_replay_file_holds_no_secret(bake, request):
    project = bake(jwt_algorithm="RS256").project_path
    config_file = request.getfixturevalue("_cookiecutter_config_file")
    replay_dir = Path(yaml.safe_load(Path(config_file).read_text())["replay_dir"])
    replays = "".join(path.read_text() for path in replay_dir.glob("*.json"))

    assert replays, "cookiecutter wrote no replay file"
    for name, secret in secrets_of(project).items():
        assert secret not in replays, f"{name} is in the replay file"
    assert "password" not in replays.lower()


def test_git_add_stages_no_secret_key_or_database(bake, tmp_path):
    project = bake(jwt_algorithm="EdDSA").project_path
    clone = tmp_path / "project"
    # A repository of its own, without the bake's first commit.
    shutil.copytree(project, clone, ignore=shutil.ignore_patterns(".git"))
    (clone / ".cache").mkdir(exist_ok=True)
    (clone / ".cache" / "entry.djcache").write_text("cached")

    run(["git", "init", "-q"], clone)
    run(["git", "add", "-A"], clone)
    staged = run(["git", "diff", "--cached", "--name-only"], clone).stdout.split()

    assert "bootstrap.py" in staged
    assert ".env.example" in staged
    leaked = [
        name
        for name in staged
        if name == ".env"
        or name.startswith(("keys/", ".venv/", ".cache/", "db.sqlite3"))
    ]
    assert leaked == []


# Running the setup again ---------------------------------------------------------------


def test_rerunning_setup_keeps_secrets_keys_database_and_superuser(cookies):
    with bake_environment(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD):
        project = cookies.bake(
            extra_context={"jwt_algorithm": "ES384", "setup_environment": "current"}
        ).project_path
    before = secrets_of(project)
    public_key = (project / "keys" / "jwt_public.pem").read_text()

    output = bootstrap(project, "--env", "current").stdout

    assert secrets_of(project) == before
    assert (project / "keys" / "jwt_public.pem").read_text() == public_key
    assert "bootstrap: .env: kept" in output
    assert "JWT keys: Kept keys/jwt_private.pem." in output
    assert "No migrations to apply." in output
    assert "Superuser admin already exists, kept." in output
    assert "with password" not in output
    assert SUPERUSER_PASSWORD not in output


def test_setup_recreates_a_missing_public_key_from_the_private_key(cookies):
    with bake_environment(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD):
        project = cookies.bake(
            extra_context={"jwt_algorithm": "RS256", "setup_environment": "current"}
        ).project_path
    public_key = project / "keys" / "jwt_public.pem"
    original = public_key.read_text()
    public_key.unlink()

    bootstrap(project, "--env", "current")

    assert public_key.read_text() == original


def test_fresh_clone_runs_the_setup_command_and_serves_tokens(cookies, tmp_path):
    with bake_environment(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD):
        project = cookies.bake(
            extra_context={"jwt_algorithm": "RS256", "setup_environment": "current"}
        ).project_path
    # The bake is a repository with a first commit (init_git): clone that.
    clone = tmp_path / "clone"
    run(["git", "clone", "-q", str(project), str(clone)], tmp_path)
    assert not (clone / ".env").exists()
    assert not (clone / "keys").exists()
    assert not (clone / "db.sqlite3").exists()

    output = bootstrap(
        clone, "--env", "current", DJANGO_SUPERUSER_PASSWORD="clone-password-2b9c"
    ).stdout

    assert "Created the RS256 private key keys/jwt_private.pem" in output
    assert secrets_of(clone)["private key"] != secrets_of(project)["private key"]
    with served(clone) as base_url:
        status, _, tokens = http(
            "POST",
            f"{base_url}/api/token/",
            {"username": "admin", "password": "clone-password-2b9c"},
        )
        assert status == 200
        status, _, body = http(
            "GET",
            f"{base_url}/api/",
            headers={"Authorization": f"Bearer {tokens['access']}"},
        )
        assert (status, body) == (200, {"message": "Hello, My Service"})


def test_each_setup_step_is_a_management_command_that_runs_alone(bake):
    project = bake(jwt_algorithm="ES256").project_path
    (project / "keys" / "jwt_public.pem").unlink()

    outputs = [
        run(
            [sys.executable, "manage.py", *command],
            project,
            env=project_env(DJANGO_SUPERUSER_USERNAME="admin"),
        ).stdout
        for _, command in baked_module(project).manage_commands(superuser=True)
    ]

    assert outputs[0].startswith("JWT keys: Kept keys/jwt_private.pem.")
    assert "Wrote its public key to keys/jwt_public.pem" in outputs[0]
    assert "No migrations to apply." in outputs[1]
    assert outputs[2].strip() == "Superuser admin already exists, kept."
