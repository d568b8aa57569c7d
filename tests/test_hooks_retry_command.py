"""Unit tests of the retry command the pre-generation hook prints after the errors."""

import json
import re
import shlex

import pytest

from tests.support.baking import TEMPLATE_DIR
from tests.support.hooks import default_answers, load_hook

pre_gen = load_hook("pre_gen_project")


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


@pytest.mark.parametrize("pasted", ["abc <-fix", "abc <-fix <-fix", "abc<-fix"])
def test_a_retry_command_pasted_back_unedited_marks_the_answer_once(pasted):
    answers = given_answers(access_token_lifetime_minutes=pasted)

    command = pre_gen.retry_command(
        answers, {"access_token_lifetime_minutes"}, shell_cwd="/home/ana/src"
    )

    assert command_answers(command)["access_token_lifetime_minutes"] == "abc <-fix"


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
