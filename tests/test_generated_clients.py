"""Typed clients nobody here wrote, generated from a baked project's committed schema.

Each shape of service (header transport with rotation, cookie transport, a
verifier) is served as in production; its README's two commands generate a
TypeScript client (openapi-typescript types for openapi-fetch) and a Python
client (openapi-python-client) from its ``openapi.yaml``, pinned by its
``clients/`` folder. A program written against each generated client drives
the whole flow (``tests/support/client_flows.py``): the TypeScript one must
pass ``tsc --strict`` first, the Python one is installed as generated and
run. npm and uv keep what they download in their caches (~/.npm,
~/.cache/uv), so only a machine's first run reaches the registries.
"""

import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

import jwt
import pytest

from tests.support.api_services import SERVICES as SHAPES
from tests.support.api_services import serve_service
from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.client_flows import (
    PYTHON_COOKIE_FLOW,
    PYTHON_HEADER_FLOW,
    PYTHON_VERIFIER_FLOW,
    TYPESCRIPT_CONFIG,
    TYPESCRIPT_COOKIE_FLOW,
    TYPESCRIPT_HEADER_FLOW,
    TYPESCRIPT_VERIFIER_FLOW,
    filled,
)
from tests.support.commands import TOOLS, project_env, run
from tests.support.node import node_executable
from tests.support.serving import obtain_access_token
from tests.support.tls import make_certificate

TYPESCRIPT_COMMAND = "npm ci --prefix clients"
PYTHON_COMMAND = ".venv/bin/uvx --constraints clients/"
GENERATED = ("node_modules", "typescript", "python")
SERVICES = ("header-rotation", "cookie", "verifier")
TYPESCRIPT_FLOWS = {
    "header": TYPESCRIPT_HEADER_FLOW,
    "cookie": TYPESCRIPT_COOKIE_FLOW,
    "verifier": TYPESCRIPT_VERIFIER_FLOW,
}
PYTHON_FLOWS = {
    "header": PYTHON_HEADER_FLOW,
    "cookie": PYTHON_COOKIE_FLOW,
    "verifier": PYTHON_VERIFIER_FLOW,
}


def services(*names):
    """Parametrize over services, each on the worker that bakes its variant for other tests."""
    return pytest.mark.parametrize(
        "name",
        [
            pytest.param(
                name, marks=pytest.mark.xdist_group(SHAPES[name]["variant"]), id=name
            )
            for name in names
        ],
    )


def documented_command(project, beginning):
    """Return the line of the project's README that starts with ``beginning``."""
    lines = (project / "README.md").read_text().splitlines()
    found = [line for line in lines if line.startswith(beginning)]
    assert len(found) == 1, f"README.md documents no single command {beginning!r}"
    return found[0]


def client_environment(**overrides):
    """The project's environment, with the test tools (uv, uvx) on the PATH."""
    return project_env(PATH=f"{TOOLS}{os.pathsep}{os.environ['PATH']}", **overrides)


@contextmanager
def served_for_clients(bake, name, folder):
    """Serve ``name``; the cookie transport over HTTPS, where its cookies are Secure.

    Yields the service and the certificate a client must trust (or None).
    """
    certificate = make_certificate(folder, "localhost") if name == "cookie" else None
    with serve_service(bake, name, tls=certificate) as service:
        yield service, certificate


def flow_kind(service):
    return "verifier" if service.is_verifier else service.transport


def generated_from_the_committed_schema(project, workspace, beginning):
    """Copy the schema and ``clients/`` of ``project``; run its README command there."""
    schema = project / "openapi.yaml"
    assert schema.is_file(), "the project commits no openapi.yaml"
    shutil.copy2(schema, workspace / "openapi.yaml")
    shutil.copytree(
        project / "clients",
        workspace / "clients",
        ignore=shutil.ignore_patterns(*GENERATED),
    )
    # A checkout's .venv holds the team's uv (a dev dependency): here the tests' own.
    (workspace / ".venv" / "bin").mkdir(parents=True)
    (workspace / ".venv" / "bin" / "uvx").symlink_to(Path(TOOLS) / "uvx")
    run(
        ["bash", "-c", documented_command(project, beginning)],
        workspace,
        env=client_environment(),
    )
    return workspace / "clients"


def flow_values(service, certificate=None):
    values = {
        "base_url": service.base_url,
        "username": "admin",
        "password": SUPERUSER_PASSWORD,
    }
    if service.is_verifier:
        values["access"] = obtain_access_token(service.issuer_url)
    if certificate:
        values["ca_file"] = str(certificate.cert_file)
    return values


def assert_the_flow_went_as_documented(seen, service, values):
    assert seen["hello"].startswith("Hello, "), seen
    if service.is_verifier:
        # The user the token names (its sub claim), whatever type the schema gives the id.
        subject = jwt.decode(values["access"], options={"verify_signature": False})[
            "sub"
        ]
        assert str(seen["me"]) == subject, seen
        assert seen["forged"][0] == 401, seen
        return
    assert seen["me"] == "admin", seen
    if service.transport == "cookie":
        assert seen["refresh_without_csrf"][0] == 403, seen
    assert seen["refreshed"] is True
    assert seen["sessions"] >= 2, seen
    assert seen["current"] == 1, seen
    assert all(year is None or year > 2000 for year in seen["refreshed_at"]), seen
    assert None in seen["refreshed_at"], seen  # The other session: never refreshed.
    assert seen["ended"] == 204, seen
    assert seen["ended_again"][0] == 404, seen
    assert seen["other_refresh"] == 401, seen
    assert seen["logout_all"] >= 1, seen
    assert seen["refresh_after_logout_all"] == 401, seen
    assert seen["logout"] == 200, seen
    assert seen["refresh_after_logout"][0] == 401, seen
    assert seen["wrong_password"][0] == 401, seen


@pytest.mark.slow
@services(*SERVICES)
def test_the_typescript_client_passes_strict_tsc_and_runs_the_flow(
    bake, name, tmp_path
):
    node = node_executable()
    with served_for_clients(bake, name, tmp_path) as (service, certificate):
        clients = generated_from_the_committed_schema(
            service.project, tmp_path, TYPESCRIPT_COMMAND
        )
        flow = TYPESCRIPT_FLOWS[flow_kind(service)]
        values = flow_values(service, certificate)
        (clients / "flow.ts").write_text(filled(flow, **values))
        (clients / "tsconfig.json").write_text(json.dumps(TYPESCRIPT_CONFIG))
        tsc = str(clients / "node_modules" / ".bin" / "tsc")
        run([tsc, "--noEmit", "--strict", "-p", "."], clients)
        run([tsc, "-p", "."], clients)
        trust = (
            {"NODE_EXTRA_CA_CERTS": str(certificate.cert_file)} if certificate else {}
        )
        completed = run(
            [node, "dist/flow.js"],
            clients,
            env=client_environment(**trust),
            timeout=120,
        )

    assert_the_flow_went_as_documented(json.loads(completed.stdout), service, values)


@pytest.mark.slow
@services(*SERVICES)
def test_the_python_client_installs_as_generated_and_runs_the_flow(
    bake, name, tmp_path
):
    with served_for_clients(bake, name, tmp_path) as (service, certificate):
        clients = generated_from_the_committed_schema(
            service.project, tmp_path, PYTHON_COMMAND
        )
        package = f"{service.project.name}_client"
        assert (clients / "python" / package / "__init__.py").is_file()
        flow = PYTHON_FLOWS[flow_kind(service)]
        values = flow_values(service, certificate)
        script = filled(flow, **values).replace("client_package", package)
        (tmp_path / "flow.py").write_text(script)
        # Installed from its own pyproject.toml, alone: nothing of the tests' environment.
        completed = run(
            [
                str(Path(TOOLS) / "uv"),
                "run",
                "--isolated",
                "--no-project",
                "--with",
                str(clients / "python"),
                "python",
                "flow.py",
            ],
            tmp_path,
            env=client_environment(),
            timeout=300,
        )

    assert_the_flow_went_as_documented(json.loads(completed.stdout), service, values)
