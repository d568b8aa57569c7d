"""GET /api/ready/: 200 when the database and the cache answer, 503 with the reason when not."""

import socket
import time
from collections.abc import Iterator

import pytest
from django.db import connections

from {{ cookiecutter.project_slug }}.api import readiness

# A probe must answer well within a load balancer's timeout, whatever hangs.
PROBE_SECONDS = 4


def closed_port() -> int:
    """Return a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Yield the port of a server that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def redis_cache_at(settings, port: int) -> None:
    """Make the default cache a Redis client as the settings make it, at ``port``."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": settings.REDIS_CACHE_OPTIONS,
        },
    }


@pytest.fixture
def unreachable_database(monkeypatch, django_db_blocker) -> Iterator[None]:
    """Point the readiness check at a database of the same backend that is not there."""
    default = connections["default"]
    if default.vendor == "sqlite":
        elsewhere = {"NAME": "/nonexistent/directory/db.sqlite3"}
    else:
        elsewhere = {"HOST": "127.0.0.1", "PORT": str(closed_port())}
    unreachable = default.__class__({**default.settings_dict, **elsewhere})
    monkeypatch.setattr(readiness, "connection", unreachable)
    with django_db_blocker.unblock():
        yield
    unreachable.close()


def get_ready(client):
    started = time.monotonic()
    response = client.get("/api/ready/")
    return response, time.monotonic() - started


@pytest.mark.django_db
def test_ready_when_the_database_and_the_cache_answer(client):
    response, _ = get_ready(client)

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"status": "ok"}, "cache": {"status": "ok"}},
    }


@pytest.mark.usefixtures("unreachable_database")
def test_not_ready_when_the_database_is_unreachable(client):
    response, seconds = get_ready(client)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["status"] == "unavailable"
    assert body["checks"]["database"]["reason"]
    assert body["checks"]["cache"] == {"status": "ok"}
    assert seconds < PROBE_SECONDS


@pytest.mark.django_db
def test_not_ready_when_the_cache_refuses_connections(client, settings):
    port = closed_port()
    redis_cache_at(settings, port)

    response, _ = get_ready(client)

    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": {"status": "ok"},
        "cache": {"status": "unavailable", "reason": "ConnectionError"},
    }
    # The log says where; the unauthenticated answer does not.
    assert str(port) not in response.content.decode()


@pytest.mark.django_db
def test_not_ready_and_not_slow_when_the_cache_hangs(client, settings, silent_server):
    redis_cache_at(settings, silent_server)

    response, seconds = get_ready(client)

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {
        "status": "unavailable",
        "reason": "TimeoutError",
    }
    assert seconds < PROBE_SECONDS
