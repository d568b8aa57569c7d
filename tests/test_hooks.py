"""Unit tests of the hook functions, imported from the unrendered hook files."""

import importlib.util
import json
import re
import shlex
import sys
from importlib.metadata import packages_distributions

import pytest

from tests.install_project_requirements import ANSWER_SETS, declared_requirements
from tests.support.baking import TEMPLATE_DIR


def load_hook(name):
    spec = importlib.util.spec_from_file_location(
        name, TEMPLATE_DIR / "hooks" / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")


def default_answers(**overrides):
    """The answers cookiecutter would pass for the defaults, after prompting."""
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    answers = {
        key: (value[0] if isinstance(value, list) else value)
        for key, value in context.items()
        if key not in {"__prompts__", "__signing"}
    }
    answers["project_slug"] = "my_service"
    answers["access_token_lifetime_minutes"] = str(
        answers["access_token_lifetime_minutes"]
    )
    answers["refresh_token_lifetime_days"] = str(answers["refresh_token_lifetime_days"])
    answers.update(overrides)
    # cookiecutter renders this private variable from the answers (cookiecutter.json).
    hmac = answers["jwt_algorithm"].startswith("HS")
    answers.setdefault("__signing", "hmac" if hmac else "asymmetric")
    return answers


def test_defaults_are_valid():
    assert pre_gen.collect_errors(default_answers(), version_info=(3, 11)) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"jwt_algorithm": "HS512"}, "needs an asymmetric jwt_algorithm"),
        (
            {"jwt_algorithm": "EdDSA", "token_transport": "cookie"},
            "token_transport=header",
        ),
    ],
)
def test_a_verifier_needs_a_published_key_and_the_header_transport(overrides, message):
    answers = default_answers(service_role="verifier", **overrides)

    [error] = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert error.startswith("ERROR: service_role: ")
    assert message in error


def test_a_verifier_with_a_key_pair_and_the_header_transport_is_valid():
    answers = default_answers(service_role="verifier", jwt_algorithm="ES256")

    assert pre_gen.collect_errors(answers, version_info=(3, 11)) == []


@pytest.mark.parametrize("slug", ["my_service", "billing2", "orders_api", "a"])
def test_valid_slugs(slug):
    pre_gen.validate_project_slug(slug)


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("My_Service", "not a lowercase Python identifier"),
        ("my-service", "not a lowercase Python identifier"),
        ("2fa", "not a lowercase Python identifier"),
        ("my service", "not a lowercase Python identifier"),
        ("a/b", "not a lowercase Python identifier"),
        ("", "not a lowercase Python identifier"),
        ("_private", "not a lowercase Python identifier"),
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("email", "shadow the standard library"),
        ("logging", "shadow the standard library"),
        ("django", "dependencies"),
        ("rest_framework", "dependencies"),
        ("jwt", "dependencies"),
        ("config", "dependencies"),
        ("tests", "dependencies"),
        ("a" * 33, "at most 32 characters"),
    ],
)
def test_invalid_slugs_say_why(slug, reason):
    with pytest.raises(ValueError, match=reason):
        pre_gen.validate_project_slug(slug)


@pytest.mark.parametrize(
    "text", ["My Service", "Bob's orders API", "Zürich billing", "a" * 100]
)
def test_valid_texts(text):
    pre_gen.validate_text(text, max_length=100)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ('The "best" API', "double quotes"),
        ("back\\slash", "double quotes, backslashes"),
        ("{x}", "braces"),
        ("two\nlines", "line breaks"),
        ("a" * 101, "at most 100"),
    ],
)
def test_invalid_texts_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        pre_gen.validate_text(text, max_length=100)


def test_description_may_be_empty():
    pre_gen.validate_text("", required=False)


@pytest.mark.parametrize(
    "email", ["admin@example.com", "first.last+tag@mail.example.org"]
)
def test_valid_emails(email):
    pre_gen.validate_email(email)


@pytest.mark.parametrize(
    "email",
    ["admin", "admin@localhost", "a b@example.com", "@example.com", "admin@", ""],
)
def test_invalid_emails(email):
    with pytest.raises(ValueError, match="not a valid email address"):
        pre_gen.validate_email(email)


@pytest.mark.parametrize(("value", "expected"), [(5, 5), ("5", 5), (" 15 ", 15)])
def test_whole_numbers_are_parsed(value, expected):
    assert pre_gen.parse_whole_number(value) == expected


@pytest.mark.parametrize("value", ["5.0", "-1", "five", "", True, None, "٣"])
def test_non_whole_numbers_are_refused(value):
    with pytest.raises(ValueError, match="not a whole number"):
        pre_gen.parse_whole_number(value)


@pytest.mark.parametrize("minutes", ["0", "10081"])
def test_access_lifetime_out_of_range(minutes):
    with pytest.raises(ValueError, match="from 1 to 10080"):
        pre_gen.validate_access_token_lifetime(minutes)


@pytest.mark.parametrize("days", ["0", "366"])
def test_refresh_lifetime_out_of_range(days):
    with pytest.raises(ValueError, match="from 1 to 365"):
        pre_gen.validate_refresh_token_lifetime(days)


@pytest.mark.parametrize(("access", "refresh"), [("1440", "1"), ("2880", "1")])
def test_access_token_must_expire_before_refresh_token(access, refresh):
    with pytest.raises(ValueError, match="longer than the access lifetime"):
        pre_gen.validate_token_lifetimes(access, refresh)


def test_access_token_shorter_than_refresh_token_is_valid():
    pre_gen.validate_token_lifetimes("1439", "1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bearer", ["Bearer"]),
        ("Bearer,JWT", ["Bearer", "JWT"]),
        (" Bearer , JWT ", ["Bearer", "JWT"]),
    ],
)
def test_header_types_are_parsed(value, expected):
    assert pre_gen.parse_header_types(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        ("Bearer,", "empty entry"),
        (",Bearer", "empty entry"),
        ("Bearer Token", "not a single word"),
        ("Bé", "not a single word"),
        ("Bearer;JWT", "not a single word"),
        ("Bearer,Bearer", "twice"),
    ],
)
def test_invalid_header_types_say_why(value, reason):
    with pytest.raises(ValueError, match=reason):
        pre_gen.parse_header_types(value)


@pytest.mark.parametrize(
    ("after_rotation", "rotate", "blacklist", "missing"),
    [
        (True, False, True, "rotate_refresh_tokens"),
        (True, True, False, "use_token_blacklist"),
        (True, False, False, "rotate_refresh_tokens and use_token_blacklist"),
    ],
)
def test_blacklist_after_rotation_needs_rotation_and_blacklist(
    after_rotation, rotate, blacklist, missing
):
    with pytest.raises(ValueError, match=f"needs {missing} to be true"):
        pre_gen.validate_blacklist_after_rotation(after_rotation, rotate, blacklist)


@pytest.mark.parametrize(
    ("after_rotation", "rotate", "blacklist"),
    [(False, False, False), (False, True, False), (True, True, True)],
)
def test_blacklist_after_rotation_valid_combinations(after_rotation, rotate, blacklist):
    pre_gen.validate_blacklist_after_rotation(after_rotation, rotate, blacklist)


@pytest.mark.parametrize(
    "username", ["admin", "ops.lead", "jane+admin@corp", "ünïcode"]
)
def test_valid_usernames(username):
    pre_gen.validate_username(username)


@pytest.mark.parametrize("username", ["", "jane doe", "admin!", "a" * 151])
def test_invalid_usernames(username):
    with pytest.raises(ValueError, match=r"not a valid Django username|at most 150"):
        pre_gen.validate_username(username)


@pytest.mark.parametrize(
    ("django_version", "setup", "python", "valid"),
    [
        ("5.2", "venv", (3, 11), True),
        ("6.1", "current", (3, 12), True),
        ("6.1", "skip", (3, 11), True),
        ("6.1", "venv", (3, 11), False),
        ("6.1", "current", (3, 11), False),
        ("5.2", "venv", (3, 10), False),
    ],
)
def test_python_version_must_run_the_chosen_django(
    django_version, setup, python, valid
):
    errors = pre_gen.collect_errors(
        default_answers(django_version=django_version, setup_environment=setup),
        version_info=python,
    )

    if valid:
        assert errors == []
    else:
        [error] = errors
        assert error.startswith(f"ERROR: django_version: Django {django_version} needs")


def test_minimum_python_has_one_home_for_every_django_version():
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())

    assert sorted(context["_minimum_python"]) == sorted(context["django_version"])
    for label in context["__prompts__"]["django_version"].values():
        assert "Python" not in label


@pytest.mark.parametrize(
    ("rotate", "blacklist", "warned"),
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_rotation_without_the_blacklist_is_a_warning_not_an_error(
    rotate, blacklist, warned
):
    answers = default_answers(
        rotate_refresh_tokens=rotate, use_token_blacklist=blacklist
    )

    warnings = pre_gen.rotation_warnings(rotate, blacklist)

    assert pre_gen.collect_errors(answers, version_info=(3, 11)) == []
    assert len(warnings) == int(warned)
    if warned:
        assert warnings[0].startswith("WARNING: rotate_refresh_tokens")
        assert "\n" not in warnings[0]


def test_every_error_is_reported_on_its_own_line_naming_the_variable():
    answers = default_answers(
        project_slug="My-Service",
        author_email="nobody",
        access_token_lifetime_minutes="0",
        auth_header_types="Bearer,",
        blacklist_after_rotation=True,
    )

    errors = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert [error.split(":")[1].strip() for error in errors] == [
        "project_slug",
        "author_email",
        "access_token_lifetime_minutes",
        "auth_header_types",
        "blacklist_after_rotation",
    ]
    assert all(error.startswith("ERROR: ") and error.endswith(".") for error in errors)
    assert all("\n" not in error for error in errors)


def test_lifetime_order_is_checked_only_when_both_lifetimes_are_valid():
    errors = pre_gen.collect_errors(
        default_answers(access_token_lifetime_minutes="abc"), version_info=(3, 11)
    )

    assert len(errors) == 1
    assert errors[0].startswith("ERROR: access_token_lifetime_minutes:")


def test_validators_have_docstrings_with_examples():
    validators = [
        getattr(pre_gen, name)
        for name in dir(pre_gen)
        if name.startswith(("validate_", "parse_"))
    ]

    assert validators
    for validator in validators:
        assert "Valid" in validator.__doc__, validator
        assert "Invalid" in validator.__doc__, validator


# The retry command printed after the errors ------------------------------------------


def given_answers(**overrides):
    """Answers as they reach the hook after prompting, with cookiecutter's own keys."""
    cookiecutters_own = {
        "_template": "gh:acme/drf-jwt",
        "_output_dir": "/home/ana/src",
        "_repo_dir": "/home/ana/.cookiecutters/drf-jwt",
        "_checkout": None,
    }
    return default_answers(**{**cookiecutters_own, **overrides})


def command_answers(command):
    """Return the ``name=value`` arguments of a shell command, as the shell reads them."""
    return dict(word.split("=", 1) for word in shlex.split(command) if "=" in word)


def test_retry_command_holds_every_answer_with_the_refused_one_last_and_marked():
    answers = given_answers(access_token_lifetime_minutes="abc", use_redis=True)

    command = pre_gen.retry_command(
        answers, {"access_token_lifetime_minutes"}, shell_cwd="/home/ana/src"
    )

    assert command.startswith("cookiecutter gh:acme/drf-jwt --no-input ")
    assert command.endswith(" access_token_lifetime_minutes='abc <-fix'")
    given = command_answers(command)
    public = {name for name in answers if not name.startswith("_")}
    assert set(given) == public
    assert given["access_token_lifetime_minutes"] == "abc <-fix"
    assert given["use_redis"] == "yes"
    assert given["rotate_refresh_tokens"] == "no"
    assert given["refresh_token_lifetime_days"] == "1"
    assert given["project_name"] == "My Service"


def test_retry_command_values_reach_cookiecutter_exactly_and_run_nothing():
    hostile = "Bob's $(touch pwned) `id` API; rm -rf ~ && echo *"
    answers = given_answers(project_name=hostile, description="a\\b 'q' \"d\"")

    command = pre_gen.retry_command(answers, {"project_name"}, shell_cwd=None)

    given = command_answers(command)
    assert given["project_name"] == f"{hostile} <-fix"
    assert given["description"] == "a\\b 'q' \"d\""


def test_an_empty_refused_answer_is_just_the_mark():
    command = pre_gen.retry_command(
        given_answers(auth_header_types=""), {"auth_header_types"}, shell_cwd=None
    )

    assert command.endswith(" auth_header_types='<-fix'")


def test_retry_command_repeats_checkout_and_a_chosen_output_dir():
    answers = given_answers(_checkout="v2.1", _output_dir="/srv/projects")

    words = shlex.split(
        pre_gen.retry_command(answers, set(), shell_cwd="/home/ana/src")
    )

    assert words[:9] == [
        "cookiecutter",
        "gh:acme/drf-jwt",
        "--no-input",
        "--checkout",
        "v2.1",
        "--output-dir",
        "/srv/projects",
        *words[7:9],
    ]


def test_retry_command_leaves_out_the_output_dir_the_shell_is_in(tmp_path):
    answers = given_answers(_output_dir=str(tmp_path))

    command = pre_gen.retry_command(answers, set(), shell_cwd=str(tmp_path))

    assert "--output-dir" not in command


@pytest.mark.parametrize(
    ("executable", "program"),
    [
        ("/home/ana/.cache/uv/archive-v0/Hat4/bin/python", ["uvx", "cookiecutter"]),
        (
            "/home/ana/.local/pipx/.cache/5e1d/bin/python",
            ["pipx", "run", "cookiecutter"],
        ),
        ("/home/ana/.local/pipx/venvs/cookiecutter/bin/python", ["cookiecutter"]),
        ("/usr/bin/python3", ["cookiecutter"]),
    ],
)
def test_retry_command_starts_cookiecutter_the_way_the_user_did(executable, program):
    assert pre_gen.cookiecutter_program(executable) == program


@pytest.mark.parametrize(
    ("variable", "marked"),
    [
        ("project_name", "My Service <-fix"),
        ("description", "<-fix"),
        ("access_token_lifetime_minutes", "15 <-fix"),
        ("superuser_email", "admin@example.com <-fix"),
    ],
)
def test_an_answer_pasted_back_still_marked_is_refused(variable, marked):
    errors = pre_gen.collect_errors(
        default_answers(**{variable: marked}), version_info=(3, 11)
    )

    assert errors == [
        f"ERROR: {variable}: {marked!r} still carries the '<-fix' mark of the retry "
        "command. Replace the marked value with your answer."
    ]


def test_no_prompt_asks_for_a_secret():
    # The retry command, the replay file and .cruft.json show every answer.
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())
    secret_words = re.compile(
        r"password|passphrase|secret|private|(^|_)key($|_)|(^|_)token$"
    )

    assert [name for name in context if secret_words.search(name)] == []


# post_gen_project ------------------------------------------------------------------


def test_nothing_is_pruned_for_the_defaults_but_unchosen_tests_and_commands():
    assert sorted(post_gen.unused_paths(default_answers())) == [
        "my_service/database/management",
        "my_service/jwt_auth/cookies.py",
        "tests/test_cookie_transport.py",
        "tests/test_rotation.py",
        "tests/test_verifier.py",
    ]


def test_postgresql_keeps_create_database_and_drops_the_sqlite_backend():
    assert sorted(post_gen.unused_paths(default_answers(database="postgresql"))) == [
        "my_service/database/apps.py",
        "my_service/database/base.py",
        "my_service/database/checks.py",
        "my_service/jwt_auth/cookies.py",
        "tests/test_cookie_transport.py",
        "tests/test_database_file.py",
        "tests/test_rotation.py",
        "tests/test_verifier.py",
    ]


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
        "my_service/database/management",
        "my_service/jwt_auth/cookies.py",
        "my_service/token_sessions",
        "tests/test_cookie_transport.py",
        "tests/test_logout.py",
        "tests/test_rotation.py",
        "tests/test_sessions.py",
        "tests/test_verifier.py",
    ]


def test_the_cookie_transport_keeps_its_module_and_tests():
    pruned = post_gen.unused_paths(default_answers(token_transport="cookie"))

    assert "my_service/jwt_auth/cookies.py" not in pruned
    assert "tests/test_cookie_transport.py" not in pruned


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
