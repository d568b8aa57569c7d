"""Bake a matrix of answers and test every baked project for real.

The matrix is each option against the defaults, plus the pairs that interact
(rotation x blacklist), not the cartesian product. Every check of a variant
runs on the same xdist worker, so each variant is baked once per run.
"""

import fcntl
import hashlib
import json
import os
import re
import stat
import sys

import pytest

from tests.support.baking import project_files
from tests.support.commands import manage, project_env, run
from tests.support.variants import (
    PARTIAL_SUITES,
    SIGNING_TESTS,
    VARIANTS,
    generated_tests,
    variants,
)

# The algorithms not in VARIANTS: baked, and proven by the tests of their own suite
# that sign and verify tokens (SIGNING_TESTS).
OTHER_ALGORITHMS = ("HS384", "RS384", "RS512", "ES384", "ES512", "PS384", "PS512")


# The answers whose values are free text: their variants run the tests that read them.
FREE_TEXT_ANSWERS = {
    "auth_header_types",
    "access_token_lifetime_minutes",
    "refresh_token_lifetime_days",
    "project_name",
    "project_slug",
    "description",
}

ALL = tuple(VARIANTS)


def run_generated_suite(project, paths=()):
    """Run the baked project's own tests (``paths`` of PARTIAL_SUITES, or all)."""
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    result = run([*command, *generated_tests(paths, project)], project)

    assert " passed" in result.stdout


@variants(*ALL)
def test_baked_project_passes_its_own_test_suite(project, variant):
    run_generated_suite(project, PARTIAL_SUITES.get(variant, ()))


def test_every_chosen_answer_has_a_variant_running_the_whole_generated_suite():
    whole = [VARIANTS[name] for name in VARIANTS if name not in PARTIAL_SUITES]
    chosen = {
        (answer, value)
        for answers in VARIANTS.values()
        for answer, value in answers.items()
        if answer not in FREE_TEXT_ANSWERS
    }

    assert {
        (answer, value)
        for answer, value in chosen
        if not any(answers.get(answer) == value for answers in whole)
    } == set()
    assert "default" not in PARTIAL_SUITES


@variants(*ALL)
def test_baked_project_has_no_missing_migrations(project):
    manage(
        project,
        "makemigrations",
        "--check",
        "--dry-run",
        settings="config.settings.test",
    )


@variants(*ALL)
def test_baked_project_is_ruff_clean(project):
    run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], project)
    run([sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."], project)


@pytest.fixture(scope="session")
def mypy_caches(tmp_path_factory):
    """The mypy caches of the run, shared by its workers and their bakes."""
    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent  # each worker's folder is in the run's
    caches = run_folder / "mypy-caches"
    caches.mkdir(exist_ok=True)
    return caches


def mypy_cache(caches, project):
    """Return the cache of the bakes whose Django settings mypy's plugin shares.

    django-stubs' plugin makes its installed apps, user model and auto field
    part of mypy's cache: a bake with other apps would discard, then rewrite,
    a cache shared with every bake, and the next bake would check everything again.
    """
    script = (
        "from django.conf import settings as s; "
        "print(s.INSTALLED_APPS, s.AUTH_USER_MODEL, s.DEFAULT_AUTO_FIELD)"
    )
    env = project_env(DJANGO_SETTINGS_MODULE="config.settings.test")
    plugin_data = run([sys.executable, "-c", script], project, env=env).stdout
    return caches / hashlib.sha256(plugin_data.encode()).hexdigest()[:16]


@variants(*ALL)
def test_baked_project_is_type_clean(project, mypy_caches):
    # The configuration is the project's own (pyproject.toml), as its CI runs it.
    cache = mypy_cache(mypy_caches, project)
    # One mypy at a time per cache: the other worker's waits, then finds it warm.
    with open(cache.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run([sys.executable, "-m", "mypy", "--cache-dir", str(cache)], project)


@variants(*ALL)
def test_baked_project_has_no_template_syntax_left(project):
    # .cruft.json is cruft's record of the answers: its format names cookiecutter.
    leftovers = [
        str(path.relative_to(project))
        for path in project_files(project)
        if path.name != ".cruft.json"
        and re.search(r"{{|{%|{#|cookiecutter", path.read_text(errors="ignore"))
    ]

    assert leftovers == []


@variants(*ALL)
def test_baked_project_has_no_empty_files_but_package_markers(project):
    empty = [
        str(path.relative_to(project))
        for path in project_files(project)
        if path.stat().st_size == 0 and path.name != "__init__.py"
    ]

    assert empty == []


@variants(*ALL)
def test_setup_wrote_private_dotenv_and_migrated_database(project):
    dotenv = project / ".env"

    assert stat.S_IMODE(dotenv.stat().st_mode) == 0o600
    assert re.search(r"^DJANGO_SECRET_KEY=\S{50,}$", dotenv.read_text(), re.MULTILINE)
    plan = manage(project, "showmigrations", "--plan").stdout
    assert "[ ]" not in plan
    assert "[X]  users.0001_initial" in plan


@variants("default", "hs512", "rs256", "es256", "eddsa", "ps256")
def test_issued_tokens_verify_with_the_generated_keys(project, variant):
    algorithm = VARIANTS[variant].get("jwt_algorithm", "HS256")

    assert verify_generated_keys(project) == {"alg": algorithm, "verified": True}


@variants("rs256", "es256", "eddsa", "ps256")
def test_private_key_is_readable_by_its_owner_only(project):
    private_key = project / "keys" / "jwt_private.pem"

    assert stat.S_IMODE(private_key.stat().st_mode) == 0o600
    assert "PRIVATE KEY" in private_key.read_text()
    assert "PUBLIC KEY" in (project / "keys" / "jwt_public.pem").read_text()


@pytest.mark.parametrize(
    "algorithm",
    [
        pytest.param(name, marks=pytest.mark.xdist_group(name))
        for name in OTHER_ALGORITHMS
    ],
)
def test_every_other_algorithm_bakes_and_signs_with_its_keys(bake, algorithm):
    project = bake(jwt_algorithm=algorithm).project_path

    run_generated_suite(project, SIGNING_TESTS)
    assert verify_generated_keys(project) == {"alg": algorithm, "verified": True}


def verify_generated_keys(project):
    """Issue a token with the project's real settings; verify it with the key files."""
    script = """
import json, os
import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from PACKAGE.issuer.tokens import RefreshToken

user = get_user_model().objects.get(username="admin")
token = str(RefreshToken.for_user(user).access_token)
algorithm = settings.SIMPLE_JWT["ALGORITHM"]
if "JWT_PUBLIC_KEY_FILE" in os.environ:
    key = open(os.environ["JWT_PUBLIC_KEY_FILE"]).read()
else:
    key = os.environ["JWT_SIGNING_KEY"]
payload = jwt.decode(
    token,
    key,
    algorithms=[algorithm],
    audience=settings.SIMPLE_JWT["AUDIENCE"],
    issuer=settings.SIMPLE_JWT["ISSUER"],
)
print(json.dumps({
    "alg": jwt.get_unverified_header(token)["alg"],
    "verified": payload["token_type"] == "access",
}))
"""
    script = script.replace("PACKAGE", project.name)
    output = manage(project, "shell", "--no-imports", "-c", script).stdout
    return json.loads(output.strip().splitlines()[-1])


@variants("default", "rs256")
def test_files_follow_the_signing_family_of_the_algorithm(project, variant):
    asymmetric = variant == "rs256"
    env_example = (project / ".env.example").read_text()
    compose = (project / "compose.yaml").read_text()

    assert ("JWT_PRIVATE_KEY_FILE=" in env_example) is asymmetric
    assert ("JWT_SIGNING_KEY=" in env_example) is not asymmetric
    assert ("./keys:/run/jwt-keys:ro" in compose) is asymmetric
