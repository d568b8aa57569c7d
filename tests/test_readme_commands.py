"""The README's commands to generate a project, run as written on this machine.

With the system Python (``/usr/bin/python3``, which PEP 668 keeps pip out of),
the template's path instead of ``gh:ORG/REPO``, ``--no-input`` because no one
answers prompts here, and a throwaway home directory. Each route ends with a
token from the project served by its own virtual environment.
"""

import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.baking import SUPERUSER_PASSWORD, TEMPLATE_DIR
from tests.support.commands import in_ci, project_env, run
from tests.support.serving import free_port, http

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("readme")]

SYSTEM_PYTHON = Path("/usr/bin/python3")
README = TEMPLATE_DIR / "README.md"


def readme_section(title):
    """Return the text of the README section whose heading is ``title``."""
    text = README.read_text()
    start = text.index(f"## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, re.DOTALL)


def as_run_here(line, home):
    """Return a README command line with this machine's paths, ready to run."""
    words = shlex.split(line.replace("~", str(home)))
    if words[0] == "python3":
        words[0] = str(SYSTEM_PYTHON)
    if "gh:ORG/REPO" in words:
        words[words.index("gh:ORG/REPO")] = str(TEMPLATE_DIR)
        words.append("--no-input")
    return words


def require(command):
    if shutil.which(command) is None:
        message = f"{command} is not installed (apt-get install {command})"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)


def serves_a_token(project):
    """Start the project as its README says (its own .venv) and obtain a token."""
    port = free_port()
    command = [".venv/bin/python", "manage.py", "runserver", f"127.0.0.1:{port}"]
    with subprocess.Popen(
        [*command, "--noreload"],
        cwd=project,
        env=project_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as server:
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, _, body = http(
                        "POST",
                        f"http://127.0.0.1:{port}/api/token/",
                        {"username": "admin", "password": SUPERUSER_PASSWORD},
                        timeout=2,
                    )
                    break
                except OSError:
                    assert time.monotonic() < deadline, "runserver never answered"
                    time.sleep(0.5)
            assert status == 200, body
            assert body["access"]
        finally:
            server.terminate()
            server.wait(timeout=10)


def test_first_command_needs_no_pip_install_into_the_system_python():
    blocks = bash_blocks(readme_section("Generate a project"))

    assert blocks[0].strip().startswith(("pipx run cookiecutter", "uvx cookiecutter"))
    assert not [block for block in blocks if "--user" in block]


def test_every_command_that_bakes_starts_cookiecutter_as_a_route_installs_it():
    """Bare ``cookiecutter`` is installed by no route of the README."""
    section = readme_section("Generate a project")
    blocks = re.findall(r"```\w*\n(.*?)```", section, re.DOTALL)
    commands = [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if "cookiecutter gh:ORG/REPO" in line
    ]
    routes = ("pipx run ", "uvx ", "~/.cookiecutter-venv/bin/cookiecutter ")

    assert len(commands) >= 4
    assert [command for command in commands if not command.startswith(routes)] == []
    # Django 6.1 needs Python 3.12+, whatever python3 is: both routes say how.
    assert "pipx run --python python3.12 cookiecutter gh:ORG/REPO" in commands
    assert "uvx --python 3.12 cookiecutter gh:ORG/REPO" in commands


def test_venv_route_runs_as_written_with_the_system_python(tmp_path):
    if not SYSTEM_PYTHON.exists():
        pytest.skip("no system Python at /usr/bin/python3")
    venv_block = next(
        block
        for block in bash_blocks(readme_section("Generate a project"))
        if "python3 -m venv" in block
    )
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = project_env(HOME=home, DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD)

    for line in venv_block.strip().splitlines():
        run(as_run_here(line, home), work, env=env, timeout=900)

    serves_a_token(work / "my_service")


def test_pipx_route_runs_as_written(tmp_path):
    require("pipx")
    first = bash_blocks(readme_section("Generate a project"))[0].strip()
    home = tmp_path / "home"
    work = tmp_path / "work"
    home.mkdir()
    work.mkdir()
    # pipx runs cookiecutter with the system Python, as a newcomer's would.
    env = project_env(
        HOME=home,
        PIPX_DEFAULT_PYTHON=SYSTEM_PYTHON,
        DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD,
    )

    run(as_run_here(first, home), work, env=env, timeout=900)

    serves_a_token(work / "my_service")
