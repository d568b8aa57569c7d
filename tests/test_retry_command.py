"""A mistyped answer costs one edit: the refusal prints the command that bakes again.

Cookiecutter validates nothing while it prompts, so a person who mistypes an
answer learns it after the last prompt. These tests type the answers into a
real pseudo-terminal, as a person would, mistype one, and run the command the
refusal prints, after editing only the marked answer.
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from tests.support.baking import TEMPLATE_DIR

# What a person types, by a fragment of the prompt's label; every other prompt
# gets Enter (its default). Choices are given by value, typed as their number.
TYPED = {
    "Project name": "Order Desk",
    "Author name": "Ana Lima",
    "Access token lifetime": "abc",
    "Refresh token lifetime": "7",
    "Token signing algorithm": ("choice", "ES256"),
    "Issue a new refresh token": "y",
    "Set up the project": ("choice", "Only write the files"),
    "Superuser username": "ops.lead",
}
FIXED = "15"
PROMPT = re.compile(r"\[\d+/\d+\] ([^\r\n]+)")


def cookiecutter_environment(tmp_path):
    """The environment of a shell in ``tmp_path`` with its own cookiecutter config."""
    config = tmp_path / "cookiecutterrc.yaml"
    config.write_text(
        f"cookiecutters_dir: {tmp_path / 'cookiecutters'}\n"
        f"replay_dir: {tmp_path / 'replay'}\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "VIRTUAL_ENV"}
    }
    bin_dir = str(Path(sys.executable).parent)
    env.update(
        COOKIECUTTER_CONFIG=str(config),
        PATH=os.pathsep.join([bin_dir, env.get("PATH", "")]),
        PWD=str(tmp_path),
        # Plain prompts on one line each: no colours, no wrapping.
        NO_COLOR="1",
        TERM="dumb",
        COLUMNS="400",
    )
    return env


def answer_for(label, screen):
    """Return what the person types at the prompt ``label``; ``screen`` shows its choices."""
    for fragment, answer in TYPED.items():
        if label.startswith(fragment):
            if isinstance(answer, tuple):
                number = re.search(rf"(\d+) - {re.escape(answer[1])}", screen)
                assert number, f"no choice {answer[1]!r} at {label!r}"
                return number[1]
            return answer
    return ""


def answer_the_prompts(tmp_path, env):
    """Run cookiecutter in a pseudo-terminal, answer like a person; return its output."""
    child = pexpect.spawn(
        shutil.which("cookiecutter", path=env["PATH"]),
        [str(TEMPLATE_DIR)],
        cwd=str(tmp_path),
        env=env,
        encoding="utf-8",
        timeout=60,
    )
    transcript = []
    while child.expect([r"\): ", pexpect.EOF]) == 0:
        screen = child.before + child.after
        transcript.append(screen)
        [*_, label] = PROMPT.findall(screen)
        child.sendline(answer_for(label, screen))
    transcript.append(child.before)
    child.close()
    assert child.exitstatus != 0, "".join(transcript)
    return "".join(transcript).replace("\r\n", "\n")


def paste(line, cwd, env):
    """Run ``line`` as a shell runs a pasted command line; return it completed."""
    return subprocess.run(
        ["/bin/sh", "-c", line],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def replayed_answers(tmp_path):
    """Return the answers cookiecutter recorded for the last bake (its replay file)."""
    [replay] = (tmp_path / "replay").glob("*.json")
    return json.loads(replay.read_text())["cookiecutter"]


def test_a_mistyped_answer_is_fixed_by_editing_one_value_of_the_printed_command(
    tmp_path,
):
    env = cookiecutter_environment(tmp_path)

    output = answer_the_prompts(tmp_path, env)
    first_answers = replayed_answers(tmp_path)

    assert "ERROR: access_token_lifetime_minutes: 'abc' is not a whole number" in output
    assert not (tmp_path / "order_desk").exists()
    [command] = [
        line for line in output.splitlines() if line.startswith("cookiecutter ")
    ]
    marked = "access_token_lifetime_minutes='abc <-fix'"
    assert command.endswith(f" {marked}"), command
    assert "--output-dir" not in command
    assert command.count("<-fix") == 1

    fixed = command.removesuffix(marked) + f"access_token_lifetime_minutes={FIXED}"
    completed = paste(fixed, tmp_path, env)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (tmp_path / "order_desk" / "bootstrap.py").exists()
    second_answers = replayed_answers(tmp_path)
    assert second_answers.pop("access_token_lifetime_minutes") == FIXED
    assert first_answers.pop("access_token_lifetime_minutes") == "abc"
    assert {key: str(value) for key, value in second_answers.items()} == {
        key: str(value) for key, value in first_answers.items()
    }
    assert first_answers["jwt_algorithm"] == "ES256"
    assert first_answers["superuser_username"] == "ops.lead"


def test_the_printed_command_pasted_unedited_is_refused_again(tmp_path):
    env = cookiecutter_environment(tmp_path)
    first = paste(
        f"cookiecutter {shlex.quote(str(TEMPLATE_DIR))} --no-input "
        "setup_environment=skip superuser_email=admin@localhost",
        tmp_path,
        env,
    )
    [command] = [
        line for line in first.stderr.splitlines() if line.startswith("cookiecutter ")
    ]

    again = paste(command, tmp_path, env)

    assert again.returncode != 0
    assert (
        "ERROR: superuser_email: 'admin@localhost <-fix' still carries the '<-fix' mark"
        in again.stderr
    )
    assert list(tmp_path.glob("my_service*")) == []


@pytest.fixture(autouse=True)
def _cookiecutter_on_path():
    if shutil.which("cookiecutter", path=str(Path(sys.executable).parent)) is None:
        pytest.skip("the cookiecutter command is not installed next to this Python")
