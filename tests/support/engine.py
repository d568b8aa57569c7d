"""A container engine for the tests: podman (with runc) and podman-compose.

The images a baked project's Dockerfile and compose.yaml start from come from
a registry when one answers (as on GitHub Actions). Where none does, stand-ins
are built from Debian's packages: a Debian base made with debootstrap from the
Debian mirror and ``podman import``, tagged as the Dockerfile's ``FROM`` image,
images with Debian's ``postgresql`` and ``redis-server`` tagged as compose's
``postgres`` and ``redis``, and a small SMTP server with Mailpit's message API
(Debian's ``python3-aiosmtpd``) tagged as compose's ``axllent/mailpit``: Mailpit
is a Go program whose web UI is built with npm, which no Debian package has.
Images are kept between runs, by tag: a second run neither pulls nor builds
them again.
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
    """Return a Docker Hub short name as podman stores it: ``docker.io/[library/]...``."""
    if "/" not in reference:
        return f"docker.io/library/{reference}"
    first = reference.split("/")[0]
    if "." in first or ":" in first or first == "localhost":
        return reference
    return f"docker.io/{reference}"


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
    if name == "mailpit":
        return service_stand_in(
            reference,
            MAILPIT_STAND_IN,
            "python3-aiosmtpd",
            files={"mailpit": MAILPIT_SERVER},
        )
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


MAILPIT_STAND_IN = """\
FROM {base}
RUN apt-get update -qq \\
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-aiosmtpd \\
    && rm -rf /var/lib/apt/lists/*
COPY --chmod=755 mailpit /mailpit
USER nobody
EXPOSE 1025 8025
CMD ["/mailpit"]
"""

# What the tests use of the real Mailpit: SMTP on 1025, taking any message
# without authentication, and on 8025 its API (mailpit.axllent.org/docs/api-v1):
# the list of messages (newest first), one message, its source, and readyz.
MAILPIT_SERVER = """\
#!/usr/bin/python3
import email
import json
import re
import signal
import sys
import threading
import uuid
from datetime import datetime, timezone
from email import policy
from email.utils import getaddresses
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

messages = []
lock = threading.Lock()


def addresses(header):
    return [{"Name": name, "Address": address} for name, address in getaddresses([header or ""])]


class Inbox:
    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=policy.default)
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        message = {
            "ID": uuid.uuid4().hex,
            "MessageID": (parsed["Message-ID"] or "").strip("<>"),
            "Read": False,
            "From": (addresses(parsed["From"]) or [{}])[0],
            "To": addresses(parsed["To"]),
            "Cc": addresses(parsed["Cc"]) if parsed["Cc"] else [],
            "Bcc": [],
            "ReplyTo": addresses(parsed["Reply-To"]) if parsed["Reply-To"] else [],
            "Subject": parsed["Subject"] or "",
            "Created": datetime.now(timezone.utc).isoformat(),
            "Tags": [],
            "Size": len(envelope.content),
            "Attachments": 0,
            "Text": text.get_content() if text else "",
            "HTML": html.get_content() if html else "",
            "raw": envelope.content,
        }
        with lock:
            messages.insert(0, message)
        return "250 OK"


SUMMARY = ("ID", "MessageID", "Read", "From", "To", "Cc", "Bcc", "ReplyTo",
           "Subject", "Created", "Tags", "Size", "Attachments")


class Api(BaseHTTPRequestHandler):
    def do_GET(self):
        with lock:
            found = {message["ID"]: message for message in messages}
            listed = [{key: message[key] for key in SUMMARY} for message in messages]
        one = re.fullmatch(r"/api/v1/message/(\\w+)(/raw)?", self.path)
        if self.path in ("/readyz", "/livez"):
            self.answer(200, b"ok", "text/plain")
        elif self.path.split("?")[0] == "/api/v1/messages":
            body = {"total": len(listed), "unread": len(listed), "count": len(listed),
                    "messages_count": len(listed), "start": 0, "tags": [], "messages": listed}
            self.answer(200, json.dumps(body).encode(), "application/json")
        elif one and one[1] in found:
            message = found[one[1]]
            if one[2]:
                self.answer(200, message["raw"], "text/plain")
            else:
                body = {key: value for key, value in message.items() if key != "raw"}
                self.answer(200, json.dumps(body).encode(), "application/json")
        else:
            self.answer(404, b"not found", "text/plain")

    def answer(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


# PID 1 of its container: without a handler, SIGTERM would be ignored.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
if sys.argv[1:] == ["readyz"]:
    sys.exit(0)
Controller(Inbox(), hostname="0.0.0.0", port=1025).start()
print("stand-in Mailpit: SMTP on 1025, API on 8025", flush=True)
ThreadingHTTPServer(("0.0.0.0", 8025), Api).serve_forever()
"""


def service_stand_in(reference, containerfile, package, files=None):
    """Build ``reference`` from the Python stand-in plus Debian's ``package``.

    ``files`` (name: text) go into the build context, beside the
    PostgreSQL stand-in's ``entrypoint``.
    """
    base = qualified(f"python:{DEBIAN_PYTHON}-slim")
    if podman_status("image", "exists", base).returncode != 0:
        python_stand_in(base, f"{DEBIAN_PYTHON}-slim")
    description = f"a stand-in: Debian {DEBIAN_SUITE}'s {package}"
    with tempfile.TemporaryDirectory(prefix="stand-in-") as directory:
        (Path(directory) / "Containerfile").write_text(containerfile.format(base=base))
        for name, text in {"entrypoint": POSTGRES_ENTRYPOINT, **(files or {})}.items():
            (Path(directory) / name).write_text(text)
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
