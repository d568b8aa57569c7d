"""Baked projects' images and compose stacks, built and run with podman.

The article's flow (401 without a token, obtain, the greeting, refresh), the
current user and logout, through the container and through the stack; in the
stack, a password reset emailed through the mail catcher. Where no registry
answers, the base images are stand-ins built from Debian's packages (see
tests/support/engine.py); the test output says so.
"""

import os
import re
import secrets
import shutil
import time
import uuid
from email import message_from_bytes
from urllib.request import urlopen

import pytest

from tests.support.baking import SUPERUSER_PASSWORD, read_dotenv
from tests.support.commands import execute, run
from tests.support.databases import (
    create_database,
    drop_database,
    require_redis,
    throwaway_database_url,
)
from tests.support.engine import (
    build_image,
    engine_env,
    podman,
    provide_image,
    remove,
    require_engine,
    wait_for_exit,
)
from tests.support.mail import link_values
from tests.support.serving import GENEROUS_THROTTLE_RATES, free_port, http

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("containers")]

ANSWERS = {
    "default": {},
    "postgresql-redis": {"database": "postgresql", "use_redis": "yes"},
}
START_TIMEOUT_SECONDS = 180
# The worker polls its queue every second or so, once migrate has finished.
MAIL_TIMEOUT_SECONDS = 120
SUPERUSER = {
    "DJANGO_SUPERUSER_USERNAME": "admin",
    "DJANGO_SUPERUSER_EMAIL": "admin@example.com",
    "DJANGO_SUPERUSER_PASSWORD": SUPERUSER_PASSWORD,
}
# What the logs of a healthy start never hold.
LOGGED_DEFECTS = re.compile(r"Permission denied|Control server error|Traceback")


def base_images(project):
    """Return the images a project's Dockerfile and compose.yaml start from."""
    dockerfile = (project / "Dockerfile").read_text()
    version = re.search(r"^ARG PYTHON_VERSION=(\S+)$", dockerfile, re.MULTILINE)[1]
    images = {
        line.split()[1].replace("${PYTHON_VERSION}", version)
        for line in dockerfile.splitlines()
        if line.startswith("FROM ")
    }
    compose = (project / "compose.yaml").read_text()
    images |= set(re.findall(r"^\s+image: (\S+)$", compose, re.MULTILINE))
    return sorted(images)


@pytest.fixture(scope="module", params=list(ANSWERS))
def image(request, bake):
    """Bake a project, build its image; yield ``(project, tag)``, then remove the image."""
    require_engine()
    project = bake(**ANSWERS[request.param]).project_path
    for reference in base_images(project):
        print(provide_image(reference))
    tag = f"localhost/template-test-{request.param}:{uuid.uuid4().hex[:8]}"
    seconds = build_image(project, tag)
    size = podman("image", "inspect", "--format", "{{.Size}}", tag).stdout.strip()
    print(f"{tag}: built in {seconds:.0f} s, {int(size) / 1e6:.0f} MB")
    yield project, tag
    remove("image", tag)


def superuser_can_log_in_and_out(base_url, project_name="My Service"):
    """Drive the article's flow, the current user and logout over HTTP."""
    status, _, _ = http("GET", f"{base_url}/api/")
    assert status == 401

    credentials = {"username": "admin", "password": SUPERUSER_PASSWORD}
    status, _, tokens = http("POST", f"{base_url}/api/token/", credentials)
    assert status == 200, tokens
    bearer = {"Authorization": f"Bearer {tokens['access']}"}

    status, _, body = http("GET", f"{base_url}/api/", headers=bearer)
    assert (status, body) == (200, {"message": f"Hello, {project_name}"})
    status, _, body = http("GET", f"{base_url}/api/me/", headers=bearer)
    assert status == 200
    assert body["username"] == "admin"

    refresh = {"refresh": tokens["refresh"]}
    status, _, body = http("POST", f"{base_url}/api/token/refresh/", refresh)
    assert status == 200, body
    assert body["access"]

    status, _, body = http("POST", f"{base_url}/api/token/blacklist/", refresh, bearer)
    assert status == 200, body
    status, _, body = http("POST", f"{base_url}/api/token/refresh/", refresh)
    assert status == 401, body


def wait_until_healthy(base_url, logs):
    """Poll the health endpoint; fail with the logs ``logs()`` returns when it never answers."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        try:
            if http("GET", f"{base_url}/api/health/", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(
        f"{base_url} did not answer within {START_TIMEOUT_SECONDS} s:\n{logs()}"
    )


def container_logs(name):
    completed = execute(["podman", "logs", name], "/", engine_env())
    return completed.stdout + completed.stderr


# One container --------------------------------------------------------------------


def test_image_serves_the_article_flow_as_an_unprivileged_user(image, tmp_path):
    """Run the image as production would: migrate, create the superuser, serve.

    SQLite lives in a volume. PostgreSQL and Redis are this machine's, which
    listen on loopback only: that container shares the host's network.
    """
    project, tag = image
    name = f"template-test-{uuid.uuid4().hex[:8]}"
    dotenv = read_dotenv(project)
    environment = {
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "JWT_SIGNING_KEY": dotenv["JWT_SIGNING_KEY"],
        # The issuer's account emails: production requires a mail server.
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        "ACCOUNT_FRONTEND_URL": "https://app.example.com",
        "WEB_CONCURRENCY": "2",
        **GENEROUS_THROTTLE_RATES,
        **SUPERUSER,
    }
    port = free_port()
    database = None
    if "postgres" in dotenv.get("DATABASE_URL", ""):
        require_redis()
        database = throwaway_database_url("container")
        create_database(database)
        environment |= {
            "DATABASE_URL": database,
            "REDIS_URL": "redis://127.0.0.1:6379/9",
            "PORT": port,
        }
        placement = ["--network", "host"]
    else:
        environment["DATABASE_URL"] = "sqlite:////data/db.sqlite3"
        placement = ["--volume", f"{name}:/data", "--publish", f"127.0.0.1:{port}:8000"]
    options = [*placement]
    for variable, value in environment.items():
        options += ["--env", f"{variable}={value}"]
    try:
        podman(
            "run", "--rm", *options, tag, "python", "manage.py", "migrate", "--noinput"
        )
        podman(
            "run",
            "--rm",
            *options,
            tag,
            "python",
            "manage.py",
            "createsuperuser",
            "--noinput",
        )
        podman("run", "--detach", "--name", name, *options, tag)
        base_url = f"http://127.0.0.1:{port}"
        wait_until_healthy(base_url, lambda: container_logs(name))

        superuser_can_log_in_and_out(base_url)

        user = podman("exec", name, "id", "--user", "--name").stdout.strip()
        assert user == "app"
        # The image's HEALTHCHECK command: ready, on the port the container serves.
        podman("exec", name, "python", "-m", "config.healthcheck")
        logs = container_logs(name)
        assert not LOGGED_DEFECTS.search(logs), logs
    finally:
        remove("container", name)
        remove("volume", name)
        if database:
            drop_database(database)


# The compose stack ----------------------------------------------------------------


def compose(project, name, *arguments, port=8000, mail_port=8025, timeout=900):
    """Run podman-compose on ``project``'s compose.yaml as the project ``name``."""
    return run(
        ["podman-compose", "--project-name", name, *arguments],
        project,
        engine_env(WEB_PORT=port, MAIL_UI_PORT=mail_port),
        timeout,
    )


def delivered(mail_url, address):
    """Return the first message to ``address`` Mailpit's API lists (its source, parsed).

    Polls until one arrives; fails after ``MAIL_TIMEOUT_SECONDS``.
    """
    deadline = time.monotonic() + MAIL_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        status, _, listed = http("GET", f"{mail_url}/api/v1/messages")
        assert status == 200, listed
        for summary in listed["messages"]:
            if address in [to["Address"] for to in summary["To"]]:
                with urlopen(
                    f"{mail_url}/api/v1/message/{summary['ID']}/raw", timeout=10
                ) as response:
                    return message_from_bytes(response.read())
        time.sleep(1)
    raise AssertionError(f"no email to {address} within {MAIL_TIMEOUT_SECONDS} s")


def password_reset_arrives_in_the_mail_catcher(base_url, mail_url, name):
    """Ask for a reset as the superuser; follow the link Mailpit shows; log in anew."""
    address = SUPERUSER["DJANGO_SUPERUSER_EMAIL"]
    status, _, body = http(
        "POST", f"{base_url}/api/account/password/reset/", {"email": address}
    )
    assert status == 202, body

    try:
        message = delivered(mail_url, address)
    except AssertionError as error:
        raise AssertionError(f"{error}\n{container_logs(f'{name}_worker_1')}") from None
    link = link_values(message, "reset-password")
    new_password = secrets.token_urlsafe(16)
    status, _, body = http(
        "POST",
        f"{base_url}/api/account/password/reset/confirm/",
        {**link, "new_password": new_password},
    )
    assert status == 200, body
    credentials = {"username": "admin", "password": new_password}
    status, _, body = http("POST", f"{base_url}/api/token/", credentials)
    assert status == 200, body


def test_compose_stack_comes_up_in_order_and_serves_the_article_flow(image):
    """``compose up`` with an implementation that ignores ``depends_on`` conditions.

    podman-compose starts every service at once: migrate must wait for the
    database by itself. The worker sends a password reset to the mail
    service, whose API shows it, and its link sets a new password.
    """
    project, _ = image
    name = f"tt{uuid.uuid4().hex[:8]}"
    port, mail_port = free_port(), free_port()
    try:
        compose(project, name, "up", "--detach", port=port, mail_port=mail_port)
        base_url = f"http://127.0.0.1:{port}"
        assert wait_for_exit(f"{name}_migrate_1") == 0, container_logs(
            f"{name}_migrate_1"
        )
        wait_until_healthy(base_url, lambda: container_logs(f"{name}_web_1"))
        exec_environment = [
            f"--env={variable}={value}" for variable, value in SUPERUSER.items()
        ]
        podman(
            "exec", *exec_environment, f"{name}_web_1",
            "python", "manage.py", "createsuperuser", "--noinput",
        )  # fmt: skip

        superuser_can_log_in_and_out(base_url)
        password_reset_arrives_in_the_mail_catcher(
            base_url, f"http://127.0.0.1:{mail_port}", name
        )

        logs = container_logs(f"{name}_web_1")
        assert not LOGGED_DEFECTS.search(logs), logs
    finally:
        take_down(project, name, port)


def take_down(project, name, port):
    """Remove a stack ``compose`` started: its containers, volumes, images and network."""
    execute(
        ["podman-compose", "--project-name", name, "down", "--volumes"],
        project,
        engine_env(WEB_PORT=port),
        600,
    )
    images = podman(
        "images", "--quiet", "--filter", f"reference=*{name}_*"
    ).stdout.split()
    remove("image", *images)
    execute(
        ["podman", "network", "rm", "--force", f"{name}_default"], "/", engine_env()
    )


def owned_by(directory, uid):
    """Give ``directory`` and everything in it to ``uid``, as a checkout of that user."""
    for path in [directory, *directory.rglob("*")]:
        os.chown(path, uid, uid, follow_symlinks=False)


@pytest.mark.parametrize("owner", [0, 4242], ids=["root", "another-uid"])
def test_compose_stack_with_a_key_pair_serves_whoever_owns_the_checkout(
    bake, tmp_path, owner
):
    """ES256: the private key, readable by the checkout's owner only, signs in the stack.

    The image runs as its own user (uid 1000), which owns neither checkout.
    """
    require_engine()
    if os.geteuid() != 0:
        pytest.skip("giving a checkout to another user needs root")
    project = shutil.copytree(
        bake(jwt_algorithm="ES256").project_path, tmp_path / "project"
    )
    owned_by(project, owner)
    assert (project / "keys/jwt_private.pem").stat().st_mode & 0o777 == 0o600
    for reference in base_images(project):
        print(provide_image(reference))
    # compose builds from the cache this build fills (with this machine's CA bundle).
    tag = f"localhost/template-test-es256:{uuid.uuid4().hex[:8]}"
    build_image(project, tag)
    name = f"tt{uuid.uuid4().hex[:8]}"
    port = free_port()
    try:
        compose(project, name, "up", "--detach", port=port, mail_port=free_port())
        base_url = f"http://127.0.0.1:{port}"
        assert wait_for_exit(f"{name}_migrate_1") == 0, container_logs(
            f"{name}_migrate_1"
        )
        wait_until_healthy(base_url, lambda: container_logs(f"{name}_web_1"))
        exec_environment = [
            f"--env={variable}={value}" for variable, value in SUPERUSER.items()
        ]
        podman(
            "exec", "--user", "app", *exec_environment, f"{name}_web_1",
            "python", "manage.py", "createsuperuser", "--noinput",
        )  # fmt: skip

        superuser_can_log_in_and_out(base_url)
        status, _, jwks = http("GET", f"{base_url}/.well-known/jwks.json")
        assert status == 200
        assert [key["crv"] for key in jwks["keys"]] == ["P-256"]

        users = podman("top", f"{name}_web_1", "user").stdout.split()[1:]
        assert set(users) == {"app"}, users
        podman("healthcheck", "run", f"{name}_web_1")
        logs = container_logs(f"{name}_web_1")
        assert not LOGGED_DEFECTS.search(logs), logs
    finally:
        take_down(project, name, port)
        remove("image", tag)
