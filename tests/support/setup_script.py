"""The baked project's bootstrap.py: run it, import it, and the PATH and package index it meets."""

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.support.commands import project_env, run


def path_without_uv():
    """Return PATH without the directories that hold a uv executable."""
    return os.pathsep.join(
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if not (Path(folder) / "uv").exists()
    )


def path_with_uv():
    uv = shutil.which("uv") or str(Path(sys.executable).with_name("uv"))
    if not Path(uv).exists():
        pytest.skip("uv is not installed in the test environment")
    return os.pathsep.join([str(Path(uv).parent), os.environ.get("PATH", "")])


def offline_package_index():
    """Environment variables that point pip and uv at a package index that refuses."""
    return {
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": "http://127.0.0.1:9/simple",
        "PIP_FIND_LINKS": "",
        "PIP_RETRIES": "0",
        "PIP_TIMEOUT": "2",
        "UV_INDEX_URL": "http://127.0.0.1:9/simple",
        "UV_NO_CACHE": "1",
        "UV_HTTP_TIMEOUT": "2",
    }


def bootstrap(project, *arguments, **environment):
    return run(
        [sys.executable, "bootstrap.py", *arguments],
        project,
        env=project_env(**environment),
    )


def baked_module(project):
    """Return the bootstrap.py module of ``project``, imported (it runs nothing)."""
    spec = importlib.util.spec_from_file_location("bootstrap", project / "bootstrap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
