"""A container engine for the tests: podman (with runc) and podman-compose.

The images a baked project's Dockerfile and compose.yaml start from come from
a registry when one answers (as on GitHub Actions). Where none does, stand-ins
are built from Debian's packages: a Debian base made with debootstrap from the
Debian mirror and ``podman import``, tagged as the Dockerfile's ``FROM`` image,
and images with Debian's ``postgresql`` and ``redis-server`` tagged as compose's
``postgres`` and ``redis``. Images are kept between runs, by tag: a second run
neither pulls nor builds them again.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import pytest

from tests.support.commands import execute, in_ci, project_env, run

CONFIGURATION = Path(__file__).resolve().parents[1] / "containers.conf"
STAND_IN_LABEL = "template-tests.stand-in"
DEBIAN_MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
DEBIAN_SUITE = "bookworm"
# The Python of DEBIAN_SUITE: the only python:X-slim a stand-in can be.
DEBIAN_PYTHON = "3.11"
HOST_CA_BUNDLE = os.environ.get("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")


class NoStandInError(Exception):
    """An image no registry gave has no stand-in here."""


def engine_env(**overrides):
    """Return an environment for podman and podman-compose: this directory's configuration."""
    return project_env(CONTAINERS_CONF=str(CONFIGURATION), **overrides)


def podman(*arguments, cwd=None, timeout=600, env=None):
    """Run podman; fail the test with its output when it fails."""
    return run(
        ["podman", *arguments],
        cwd or tempfile.gettempdir(),
        env or engine_env(),
        timeout,
    )


def podman_status(*arguments, timeout=600):
    """Run podman; return it completed, whatever its exit status."""
    return execute(["podman", *arguments], tempfile.gettempdir(), engine_env(), timeout)


def engine_problem():
    """Return why containers cannot run here, or None when they can."""
    for command, package in (
        ("podman", "podman"),
        ("runc", "runc"),
        ("podman-compose", "podman-compose"),
    ):
        if not shutil.which(command):
            return f"{command} is not installed (apt-get install {package})"
    info = podman_status("info", timeout=120)
    if info.returncode != 0:
        return f"podman cannot run here: {info.stderr.strip()}"
    return None


def require_engine():
    """Skip (fail on CI, which must run these tests) when containers cannot run here."""
    problem = engine_problem()
    if problem is None:
        return
    if in_ci():
        pytest.fail(f"{problem}, and CI must run the container tests")
    pytest.skip(problem)


def unavailable(reason):
    """Skip, or fail on CI, for want of an image."""
    if in_ci():
        pytest.fail(f"{reason}, and CI must run the container tests")
    pytest.skip(reason)


def qualified(reference):
    """Return a Docker Hub short name as podman stores it: ``docker.io/library/...``."""
    if "/" not in reference:
        return f"docker.io/library/{reference}"
    return reference


# Images ---------------------------------------------------------------------------


def provide_image(reference):
    """Make ``reference`` available to podman; return where it came from.

    A stand-in is announced as a warning in the test output.
    """
    reference = qualified(reference)
    if podman_status("image", "exists", reference).returncode == 0:
        if stand_in_of(reference):
            note = f"{reference}: the stand-in built by an earlier run ({stand_in_of(reference)})"
            warnings.warn(note, stacklevel=2)
            return note
        return f"{reference}: in podman's storage"
    pulled = podman_status("pull", "--quiet", reference, timeout=900)
    if pulled.returncode == 0:
        return f"{reference}: pulled"
    reason = (pulled.stderr.strip().splitlines() or ["no output"])[-1]
    try:
        description = build_stand_in(reference)
    except NoStandInError as error:
        unavailable(
            f"{reference} cannot be pulled ({reason}) nor stood in for: {error}"
        )
    note = f"{reference}: no registry answered ({reason}); built {description}"
    warnings.warn(note, stacklevel=2)
    return note


def stand_in_of(reference):
    """Return the description of a stand-in image, or "" for a real one."""
    labels = podman(
        "image", "inspect", "--format", "{{json .Labels}}", reference
    ).stdout.strip()
    return (json.loads(labels) or {}).get(STAND_IN_LABEL, "")


def build_stand_in(reference):
    """Build a stand-in for ``reference`` from Debian's packages; return what it is."""
    name, _, tag = reference.rpartition("/")[2].partition(":")
    if name == "python":
        return python_stand_in(reference, tag)
    if name == "postgres":
        return service_stand_in(reference, POSTGRES_STAND_IN, "postgresql")
    if name == "redis":
        return service_stand_in(reference, REDIS_STAND_IN, "redis-server")
    raise NoStandInError(f"no stand-in is known for {name}")


def python_stand_in(reference, tag):
    """Import a debootstrapped Debian with its python3 as ``python:<version>-slim``.

    Like the real image: ``python`` and ``pip`` on the PATH, pip free to
    install into the system Python (no PEP 668 marker), CA certificates.
    """
    version = tag.split("-")[0]
    if version != DEBIAN_PYTHON:
        raise NoStandInError(
            f"Debian {DEBIAN_SUITE} has Python {DEBIAN_PYTHON}, not {version}"
        )
    if os.geteuid() != 0 or not shutil.which("debootstrap"):
        raise NoStandInError("building a Debian base needs root and debootstrap")
    description = (
        f"a stand-in: Debian {DEBIAN_SUITE}'s python3 {DEBIAN_PYTHON}, debootstrapped"
    )
    with tempfile.TemporaryDirectory(prefix="stand-in-") as directory:
        root = Path(directory) / "root"
        packages = "python3,python3-pip,python3-venv,python-is-python3,ca-certificates"
        run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={packages}",
                DEBIAN_SUITE,
                root,
                DEBIAN_MIRROR,
            ],
            directory,
            timeout=1800,
        )
        (root / f"usr/lib/python{DEBIAN_PYTHON}/EXTERNALLY-MANAGED").unlink()
        for cache in ("var/cache/apt/archives", "var/lib/apt/lists"):
            for path in (root / cache).glob("*"):
                if path.is_file():
                    path.unlink()
        archive = Path(directory) / "root.tar"
        run(["tar", "--create", "--file", archive, "--directory", root, "."], directory)
        podman(
            "import",
            "--change", "ENV LANG=C.UTF-8",
            "--change", 'CMD ["python3"]',
            "--change", f'LABEL {STAND_IN_LABEL}="{description}"',
            archive,
            reference,
            timeout=900,
        )  # fmt: skip
    return description


POSTGRES_STAND_IN = """\
FROM {base}
RUN mkdir -p /etc/postgresql-common/createcluster.d \\
    && echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/none.conf \\
    && apt-get update -qq \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql \\
    && rm -rf /var/lib/apt/lists/* \\
    && install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data
COPY --chmod=755 entrypoint /usr/local/bin/postgres-entrypoint
ENV PGDATA=/var/lib/postgresql/data PGHOST=/tmp
USER postgres
EXPOSE 5432
CMD ["postgres-entrypoint"]
"""

# What the real image does with the variables compose.yaml sets: a cluster on
# first start that trusts the network (POSTGRES_HOST_AUTH_METHOD=trust), with
# the database POSTGRES_DB.
POSTGRES_ENTRYPOINT = """\
#!/bin/sh
set -e
PATH="$(echo /usr/lib/postgresql/*/bin):$PATH"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    initdb --username=postgres --auth=trust "$PGDATA" > /dev/null
    printf "listen_addresses = '*'\\nunix_socket_directories = '/tmp'\\n" >> "$PGDATA/postgresql.conf"
    echo "host all all all trust" >> "$PGDATA/pg_hba.conf"
    pg_ctl --wait --options "-c listen_addresses=''" start > /dev/null
    if [ -n "$POSTGRES_DB" ] && [ "$POSTGRES_DB" != postgres ]; then
        createdb "$POSTGRES_DB"
    fi
    pg_ctl --wait --mode fast stop > /dev/null
fi
exec postgres
"""

REDIS_STAND_IN = """\
FROM {base}
RUN apt-get update -qq \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server \\
    && rm -rf /var/lib/apt/lists/*
USER redis
WORKDIR /tmp
EXPOSE 6379
CMD ["redis-server", "--protected-mode", "no", "--save", ""]
"""


def service_stand_in(reference, containerfile, package):
    """Build ``reference`` from the Python stand-in plus Debian's ``package``."""
    base = qualified(f"python:{DEBIAN_PYTHON}-slim")
    if podman_status("image", "exists", base).returncode != 0:
        python_stand_in(base, f"{DEBIAN_PYTHON}-slim")
    description = f"a stand-in: Debian {DEBIAN_SUITE}'s {package}"
    with tempfile.TemporaryDirectory(prefix="stand-in-") as directory:
        (Path(directory) / "Containerfile").write_text(containerfile.format(base=base))
        (Path(directory) / "entrypoint").write_text(POSTGRES_ENTRYPOINT)
        podman(
            "build",
            "--pull=never",
            "--label", f"{STAND_IN_LABEL}={description}",
            "--tag", reference,
            directory,
            cwd=directory,
            timeout=1800,
        )  # fmt: skip
    return description


# Builds ---------------------------------------------------------------------------


def host_ca_bundle_options():
    """Return podman build options giving the build this machine's CA bundle.

    Where TLS goes through an intercepting proxy, only this machine's bundle
    lets pip and uv reach the package index. It is the build secret
    ``ca_bundle``, as the generated README tells users behind such a proxy
    to give it: nothing of it stays in the image.
    """
    if not Path(HOST_CA_BUNDLE).is_file():
        return []
    return ["--secret", f"id=ca_bundle,src={HOST_CA_BUNDLE}"]


def build_image(project, tag):
    """Build a baked project's image with its Dockerfile; return the seconds it took."""
    started = time.monotonic()
    podman(
        "build", "--pull=never", *host_ca_bundle_options(), "--tag", tag, ".",
        cwd=project,
        timeout=1800,
    )  # fmt: skip
    return time.monotonic() - started


def remove(kind, *names):
    """Remove podman objects (``container``, ``volume``, ``image``...) that may exist."""
    if names:
        execute(
            ["podman", kind, "rm", "--force", *names],
            tempfile.gettempdir(),
            engine_env(),
            300,
        )


def wait_for_exit(container, timeout=300):
    """Wait for ``container`` to stop; return its exit code."""
    completed = subprocess.run(
        ["podman", "wait", container],
        env=engine_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    return int(completed.stdout.strip().splitlines()[-1])
