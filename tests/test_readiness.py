"""/api/ready/ of a served project, with its PostgreSQL and Redis up, down or hanging.

The project's own tests prove the checks in one process; here gunicorn serves
the production code path against real servers, refused ports, and sockets
that accept connections and never answer.
"""

import socket
import time
from contextlib import contextmanager

import pytest

from tests.support.commands import project_env
from tests.support.databases import require_postgres, require_redis
from tests.support.serving import GENEROUS_THROTTLE_RATES, free_port, http, served

pytestmark = pytest.mark.xdist_group("postgresql-redis")

REDIS_URL = "redis://127.0.0.1:6379/0"
# A load balancer's probe times out after a few seconds: readiness answers before.
PROBE_SECONDS = 5


@contextmanager
def silent_server():
    """Yield the port of a server that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def project(bake):
    require_postgres()
    require_redis()
    return bake(database="postgresql", use_redis="yes").project_path


def readiness(project, **environment):
    """Serve ``project`` with ``environment``; return /api/ready/'s status, body and seconds."""
    env = project_env(
        **{"REDIS_URL": REDIS_URL, **GENEROUS_THROTTLE_RATES, **environment}
    )
    with served(project, workers=1, env=env) as base_url:
        started = time.monotonic()
        status, _, body = http("GET", f"{base_url}/api/ready/", timeout=30)
        return status, body, time.monotonic() - started


def test_ready_when_postgresql_and_redis_answer(project):
    status, body, _ = readiness(project)

    assert (status, body) == (
        200,
        {
            "status": "ok",
            "checks": {"database": {"status": "ok"}, "cache": {"status": "ok"}},
        },
    )


def test_not_ready_when_postgresql_refuses_connections(project):
    database_url = f"postgres://postgres@127.0.0.1:{free_port()}/nothing"

    status, body, seconds = readiness(project, DATABASE_URL=database_url)

    assert status == 503, body
    assert body["status"] == "unavailable"
    assert body["checks"] == {
        "database": {"status": "unavailable", "reason": "OperationalError"},
        "cache": {"status": "ok"},
    }
    assert seconds < PROBE_SECONDS


def test_not_ready_within_seconds_when_postgresql_hangs(project):
    with silent_server() as port:
        database_url = f"postgres://postgres@127.0.0.1:{port}/nothing"
        status, body, seconds = readiness(project, DATABASE_URL=database_url)

    assert status == 503, body
    assert body["checks"]["database"] == {
        "status": "unavailable",
        "reason": "OperationalError",
    }
    assert seconds < PROBE_SECONDS


def test_not_ready_when_redis_refuses_connections(project):
    redis_url = f"redis://127.0.0.1:{free_port()}/0"

    status, body, seconds = readiness(project, REDIS_URL=redis_url)

    assert status == 503, body
    assert body["checks"] == {
        "database": {"status": "ok"},
        "cache": {"status": "unavailable", "reason": "ConnectionError"},
    }
    assert seconds < PROBE_SECONDS


def test_not_ready_within_seconds_when_redis_hangs(project):
    with silent_server() as port:
        status, body, seconds = readiness(
            project, REDIS_URL=f"redis://127.0.0.1:{port}/0"
        )

    assert status == 503, body
    assert body["checks"]["cache"] == {
        "status": "unavailable",
        "reason": "TimeoutError",
    }
    assert seconds < PROBE_SECONDS
