"""Where the keys come from, and which way the imports point.

The settings read the keys (``jwt_keys/loading.py``) and import no other
application code; a missing key leaves them loadable, so that ``manage.py
generate_jwt_keys`` runs on a fresh checkout.
"""

import ast
from pathlib import Path

import environ
import pytest
from cryptography.hazmat.primitives.serialization import (
    load_pem_private_key,
    load_pem_public_key,
)
from django.apps import apps

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import ALGORITHMS
from {{ cookiecutter.project_slug }}.jwt_keys.generation import (
    generate_private_key,
    private_key_to_pem,
    public_key_to_pem,
)
from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    key_files,
    secret_key_files,
    signing_keys_from_env,
)

from tests.helpers import run_python

KEY_VARIABLES = (
    "JWT_SIGNING_KEY",
    "JWT_PRIVATE_KEY",
    "JWT_PUBLIC_KEY",
    "JWT_PRIVATE_KEY_FILE",
    "JWT_PUBLIC_KEY_FILE",
)

PACKAGE = apps.get_app_config("jwt_auth").name.partition(".")[0]


@pytest.fixture
def key_env(monkeypatch):
    """Return a function that sets the JWT key variables (the others unset)."""

    def set_variables(**variables: str) -> environ.Env:
        for name in KEY_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return environ.Env()

    return set_variables


def test_a_secret_comes_from_jwt_signing_key(key_env, tmp_path):
    env = key_env(JWT_SIGNING_KEY="a-secret")

    assert signing_keys_from_env(env, tmp_path) == {
        "SIGNING_KEY": "a-secret",
        "VERIFYING_KEY": "",
    }


def test_a_key_pair_comes_from_the_files_named(key_env, tmp_path):
    (tmp_path / "private.pem").write_text("private pem")
    (tmp_path / "public.pem").write_text("public pem")
    env = key_env(JWT_PRIVATE_KEY_FILE="private.pem", JWT_PUBLIC_KEY_FILE="public.pem")

    assert signing_keys_from_env(env, tmp_path) == {
        "SIGNING_KEY": "private pem",
        "VERIFYING_KEY": "public pem",
    }


def test_pem_text_wins_over_the_files_and_gets_its_line_breaks_back(key_env, tmp_path):
    env = key_env(
        JWT_PRIVATE_KEY=r"-----BEGIN\nprivate",
        JWT_PRIVATE_KEY_FILE="missing.pem",
    )

    assert signing_keys_from_env(env, tmp_path)["SIGNING_KEY"] == "-----BEGIN\nprivate"


def test_missing_keys_leave_the_settings_empty(key_env, tmp_path):
    env = key_env(JWT_SIGNING_KEY="", JWT_PRIVATE_KEY_FILE="keys/missing.pem")

    assert signing_keys_from_env(env, tmp_path) == {
        "SIGNING_KEY": "",
        "VERIFYING_KEY": "",
    }


def test_a_key_file_that_is_not_text_leaves_the_settings_loadable(key_env, tmp_path):
    (tmp_path / "private.pem").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "public.pem").mkdir()
    env = key_env(JWT_PRIVATE_KEY_FILE="private.pem", JWT_PUBLIC_KEY_FILE="public.pem")

    keys = signing_keys_from_env(env, tmp_path)

    assert keys["VERIFYING_KEY"] == ""
    assert "BEGIN" not in keys["SIGNING_KEY"]


def test_the_key_files_are_named_for_the_checks(key_env, tmp_path):
    env = key_env(JWT_PRIVATE_KEY_FILE="keys/a.pem", JWT_PUBLIC_KEY_FILE="keys/b.pem")
    assert key_files(env, tmp_path) == {
        "SIGNING_KEY": str(tmp_path / "keys/a.pem"),
        "VERIFYING_KEY": str(tmp_path / "keys/b.pem"),
    }
    env = key_env(JWT_PRIVATE_KEY="pem text", JWT_PRIVATE_KEY_FILE="keys/a.pem")
    assert key_files(env, tmp_path) == {}
    env = key_env(JWT_SIGNING_KEY="a-secret", JWT_PRIVATE_KEY_FILE="keys/a.pem")
    assert key_files(env, tmp_path) == {}


@pytest.mark.parametrize(
    "algorithm", [a for a in ALGORITHMS if not ALGORITHMS[a].is_hmac]
)
def test_new_key_pairs_fit_their_algorithm(algorithm):
    private_key = generate_private_key(algorithm)

    assert ALGORITHMS[algorithm].fits(private_key)
    private_pem = private_key_to_pem(private_key).encode()
    public_pem = public_key_to_pem(private_key).encode()
    assert load_pem_private_key(private_pem, password=None).public_key() == (
        load_pem_public_key(public_pem)
    )


def test_the_settings_import_no_application_code_but_the_key_package():
    result = run_python(
        "import sys\n"
        "import config.settings.local, config.settings.production, config.settings.test\n"
        f"print(sorted(m for m in sys.modules if m.startswith('{PACKAGE}')))",
        DJANGO_SECRET_KEY="a-secret-key-for-this-check-only",
        DJANGO_ALLOWED_HOSTS="example.com",
        DATABASE_URL="sqlite:///unused.sqlite3",
        # An issuer's account emails (unused by a verifier).
        EMAIL_URL="consolemail://",
        ACCOUNT_FRONTEND_URL="https://app.example.com",
    )

    assert result.returncode == 0, result.stderr
    imported = ast.literal_eval(result.stdout.strip())
    assert {name.partition(".")[2].partition(".")[0] for name in imported} <= {
        "",
        "jwt_keys",
    }


def imports_of(folder: Path) -> set[str]:
    """Return the modules the application code under ``folder`` imports (tests aside)."""
    imported = set()
    for path in folder.rglob("*.py"):
        if "tests" in path.relative_to(folder).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    return imported


def test_no_application_module_imports_the_settings_package():
    package = Path(apps.get_app_config("jwt_auth").path).parent
    imported = imports_of(package)

    assert {name for name in imported if name.partition(".")[0] == "config"} == set()


def test_the_users_app_imports_no_other_app_of_the_project():
    users = Path(apps.get_app_config("users").path)

    other_apps = {
        name
        for name in imports_of(users)
        if name.startswith(f"{PACKAGE}.") and not name.startswith(f"{PACKAGE}.users")
    }
    assert other_apps == set()


# Files that hold secrets: readable by their owner only --------------------------------


def test_the_secret_files_are_the_private_key_file_and_the_retired_secrets(
    key_env, tmp_path
):
    retired = tmp_path / "keys" / "previous"
    retired.mkdir(parents=True)
    for name in ("20260101T000000Z-a.secret", "20260101T000000Z-b.pem"):
        (retired / name).write_text("retired")
    env = key_env(JWT_PRIVATE_KEY_FILE="keys/private.pem")

    assert secret_key_files(env, tmp_path) == [
        str(tmp_path / "keys" / "private.pem"),
        str(retired / "20260101T000000Z-a.secret"),
    ]


def test_a_private_key_given_as_text_names_no_file(key_env, tmp_path):
    env = key_env(JWT_PRIVATE_KEY="pem text", JWT_PRIVATE_KEY_FILE="keys/private.pem")

    assert secret_key_files(env, tmp_path) == []
