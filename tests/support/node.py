"""Node's ``jose``, the JOSE library of JavaScript gateways, for tests that verify with it."""

import shutil
import subprocess

import pytest

from tests.support.commands import in_ci

JOSE_PACKAGE = "jose@5"


def node_executable():
    """Return the path of ``node``; fail in CI, skip elsewhere, when Node or npm is missing."""
    node_path, npm_path = shutil.which("node"), shutil.which("npm")
    if not (node_path and npm_path):
        if in_ci():
            pytest.fail("node and npm are needed to verify tokens with jose")
        pytest.skip("node and npm are not installed")
    return node_path


def install_jose(tmp_path_factory, name, script):
    """Return a new folder with ``jose`` installed and ``script`` as ``verify.mjs``.

    npm keeps what it downloads in its own cache, so only the first install
    of a machine reaches the registry.
    """
    node_executable()
    folder = tmp_path_factory.mktemp(name)
    (folder / "package.json").write_text('{"type": "module", "private": true}')
    (folder / "verify.mjs").write_text(script)
    subprocess.run(
        [
            shutil.which("npm"),
            "install",
            "--silent",
            "--no-audit",
            "--no-fund",
            JOSE_PACKAGE,
        ],
        cwd=folder,
        check=True,
        timeout=300,
    )
    return folder
