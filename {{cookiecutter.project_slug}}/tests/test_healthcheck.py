"""config/healthcheck.py: the container's health check asks the readiness endpoint."""

import socket
from urllib.parse import urlsplit

import pytest

from config.healthcheck import check, probe_host


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("api.example.com, localhost", "api.example.com"),
        (".example.com", "example.com"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_the_probe_names_a_host_django_allows(allowed_hosts, host):
    assert probe_host(allowed_hosts) == host


@pytest.mark.django_db(transaction=True)
def test_a_ready_instance_passes(live_server):
    port = str(urlsplit(live_server.url).port)

    assert check(port, "localhost") is None


@pytest.mark.django_db(transaction=True)
def test_an_instance_whose_cache_is_down_fails_with_the_answer(live_server, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    port = str(urlsplit(live_server.url).port)

    problem = check(port, "localhost")

    assert problem is not None
    assert problem.startswith("503: ")
    assert '"cache":{"status":"unavailable"' in problem


def test_an_instance_that_does_not_listen_fails():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = str(sock.getsockname()[1])

    problem = check(port, "localhost")

    assert problem is not None
    assert "refused" in problem
