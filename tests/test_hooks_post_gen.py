"""Unit tests of the post-generation hook: pruning, the setup command, and the slugs it must refuse."""

import re
import sys
from importlib.metadata import packages_distributions

import pytest

from tests.install_project_requirements import ANSWER_SETS, declared_requirements
from tests.support.hooks import default_answers, load_hook

pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")


def test_nothing_is_pruned_for_the_defaults_but_the_verifier_and_unchosen_options():
    assert sorted(post_gen.unused_paths(default_answers())) == [
        "config/settings/cookie_transport.py",
        "config/settings/mfa.py",
        "config/settings/verifier.py",
        "my_service/accounts/signup.py",
        "my_service/accounts/tests/test_signup.py",
        "my_service/database/management",
        "my_service/database/postgresql",
        "my_service/issuer/cookie_checks.py",
        "my_service/issuer/cookies.py",
        "my_service/issuer/tests/cookie_transport",
        "my_service/issuer/tests/test_rotation.py",
        "my_service/mfa",
        "my_service/users/tests/test_email_login.py",
        "my_service/verifier",
    ]


def test_open_sign_up_keeps_its_module_and_email_login_its_tests():
    pruned = post_gen.unused_paths(
        default_answers(account_signup="open", login_field="email")
    )

    assert not any("signup" in path or "email_login" in path for path in pruned)
    assert "my_service/accounts" not in pruned


def test_postgresql_keeps_create_database_and_drops_the_sqlite_backend():
    pruned = post_gen.unused_paths(default_answers(database="postgresql"))

    assert "my_service/database/management" not in pruned
    assert "my_service/database/postgresql" not in pruned
    assert {
        "my_service/database/apps.py",
        "my_service/database/base.py",
        "my_service/database/checks.py",
        "my_service/database/tests",
    } <= set(pruned)


def test_unchosen_options_prune_their_files():
    answers = default_answers(
        use_docker=False,
        ci_provider="none",
        rotate_refresh_tokens=False,
        use_token_blacklist=False,
    )

    assert sorted(post_gen.unused_paths(answers)) == [
        ".dockerignore",
        ".github",
        "Dockerfile",
        "compose.yaml",
        "config/settings/cookie_transport.py",
        "config/settings/mfa.py",
        "config/settings/token_sessions.py",
        "config/settings/verifier.py",
        "my_service/accounts/signup.py",
        "my_service/accounts/tests/test_signup.py",
        "my_service/database/management",
        "my_service/database/postgresql",
        "my_service/issuer/cookie_checks.py",
        "my_service/issuer/cookies.py",
        "my_service/issuer/tests/cookie_transport",
        "my_service/issuer/tests/test_rotation.py",
        "my_service/mfa",
        "my_service/token_sessions",
        "my_service/users/tests/test_email_login.py",
        "my_service/verifier",
    ]


def test_the_cookie_transport_keeps_its_module_and_tests():
    pruned = post_gen.unused_paths(default_answers(token_transport="cookie"))

    assert "my_service/issuer/cookies.py" not in pruned
    assert "my_service/issuer/cookie_checks.py" not in pruned
    assert "my_service/issuer/tests/cookie_transport" not in pruned
    assert "config/settings/cookie_transport.py" not in pruned


def test_a_verifier_prunes_the_issuer_package_and_the_sessions_with_it():
    answers = default_answers(service_role="verifier", jwt_algorithm="ES256")

    assert answers["__sessions"] == "no"
    pruned = post_gen.unused_paths(answers)
    assert {
        "my_service/issuer",
        "my_service/token_sessions",
        "my_service/security_events",
        "my_service/service_clients",
        "config/settings/security_events.py",
        "my_service/accounts",
        "config/settings/accounts.py",
        "my_service/users/addresses.py",
        "my_service/database/batches.py",
    } <= set(pruned)
    assert not any(path.startswith("my_service/verifier") for path in pruned)


def test_the_cookie_transport_needs_the_blacklist_for_its_logout():
    answers = default_answers(token_transport="cookie", use_token_blacklist=False)

    errors = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert len(errors) == 1
    assert errors[0].startswith("ERROR: token_transport: ")
    assert "use_token_blacklist" in errors[0]


def test_remove_paths_removes_files_and_folders(tmp_path):
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push")
    (tmp_path / "Dockerfile").write_text("FROM python")
    (tmp_path / "keep.txt").write_text("keep")

    post_gen.remove_paths(tmp_path, [".github", "Dockerfile", "absent.txt"])

    assert sorted(path.name for path in tmp_path.iterdir()) == ["keep.txt"]


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"setup_environment": "venv"}, ["python", "bootstrap.py", "--env", "venv"]),
        (
            {"setup_environment": "current"},
            ["python", "bootstrap.py", "--env", "current"],
        ),
        # bootstrap.py's own default is the create_superuser answer.
        (
            {"setup_environment": "venv", "create_superuser": False},
            ["python", "bootstrap.py", "--env", "venv"],
        ),
        ({"setup_environment": "skip"}, None),
    ],
)
def test_bootstrap_command_follows_the_answers(answers, expected):
    assert (
        post_gen.bootstrap_command(default_answers(**answers), python="python")
        == expected
    )


@pytest.mark.parametrize(
    ("value", "strict"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        ("", False),
        ("0", False),
        ("no", False),
    ],
)
def test_strict_setup_switch(value, strict):
    assert post_gen.strict_setup({"TEMPLATE_STRICT_SETUP": value}) is strict


def test_strict_setup_is_off_by_default():
    assert post_gen.strict_setup({}) is False


def test_run_setup_reports_a_command_that_cannot_start(tmp_path, capsys):
    status = post_gen.run_setup(
        [str(tmp_path / "no-such-python"), "bootstrap.py"], tmp_path
    )

    assert status == 127
    assert "could not start" in capsys.readouterr().err


def test_run_setup_returns_the_exit_status(tmp_path):
    assert (
        post_gen.run_setup([sys.executable, "-c", "raise SystemExit(3)"], tmp_path) == 3
    )


def test_every_import_name_of_the_generated_dependencies_is_a_reserved_slug():
    # Keeps RESERVED_SLUGS in step with the generated pyproject.toml: a slug equal
    # to a dependency's import name would shadow it.
    declared = {
        re.split(r"[\[<>=~!; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for answers in ANSWER_SETS
        for requirement in declared_requirements(answers)
    }
    import_names = {
        name
        for name, distributions in packages_distributions().items()
        if any(dist.lower().replace("_", "-") in declared for dist in distributions)
        and name.isidentifier()
        and not name.startswith("_")
    }

    assert import_names - pre_gen.RESERVED_SLUGS == set()
