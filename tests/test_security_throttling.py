"""Brute-force throttling of baked projects, proven against real servers.

A burst on 4 workers ends in 429 after exactly the configured number of
attempts (file cache and Redis), the refused attempts leave no counter behind,
and an unreachable cache fails closed (503).
"""

import secrets
import uuid
from collections import Counter

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import project_env
from tests.support.databases import require_redis
from tests.support.serving import concurrently, http, served
from tests.support.variants import VARIANTS

LIMIT = 5
BURST = 16


@pytest.mark.parametrize(
    "cache",
    [
        pytest.param("file", marks=pytest.mark.xdist_group("default")),
        pytest.param("redis", marks=pytest.mark.xdist_group("redis")),
    ],
)
def test_a_burst_of_wrong_passwords_ends_in_429_across_workers(bake, cache):
    overrides = {
        "DJANGO_THROTTLE_OBTAIN_PER_USERNAME": f"{LIMIT}/day",
        "DJANGO_THROTTLE_OBTAIN_PER_CLIENT": f"{LIMIT}/day",
        # The burst comes through one proxy, so that every run has fresh
        # client addresses, even in a Redis that outlives the run.
        "DJANGO_NUM_PROXIES": "1",
    }
    if cache == "redis":
        require_redis()
        overrides["REDIS_URL"] = "redis://127.0.0.1:6379/0"
        project = bake(**VARIANTS["redis"]).project_path
    else:
        project = bake().project_path
    run = uuid.uuid4().hex[:8]
    network = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}"

    def attempt(username, client):
        return http(
            "POST",
            f"{url}/api/token/",
            {"username": username, "password": "not the password"},
            headers={"X-Forwarded-For": client},
            timeout=30,
        )

    with served(project, workers=4, env=project_env(**overrides)) as url:
        # One username from many addresses, then one address for many usernames.
        per_username = concurrently(
            BURST, lambda i: attempt(f"victim-{run}", f"{network}.{i}")
        )
        counters_before = counter_files(project)
        per_client = concurrently(
            BURST, lambda i: attempt(f"guess-{run}-{i}", f"{network}.250")
        )
        counters_after = counter_files(project)

    if cache == "file":
        # The client's counter and one per username it was allowed to try:
        # the refused attempts open none.
        assert len(counters_after - counters_before) == 1 + LIMIT
    for results in (per_username, per_client):
        assert Counter(status for status, _, _ in results) == {
            401: LIMIT,
            429: BURST - LIMIT,
        }
        for status, headers, body in results:
            if status == 429:
                assert 0 < int(headers["Retry-After"]) <= 24 * 60 * 60
                assert body["detail"].startswith("Request was throttled.")


# Each window's folder counts the counters created in it in a file of this
# name (throttling/counters.py): not a counter. Keys' windows are shifted, so
# a burst may open a window folder the earlier burst did not use.
CREATED_COUNT_FILE = "created"


def counter_files(project):
    """Return the throttle counter files in the file cache of ``project``."""
    cache = project / ".cache"
    return {
        path
        for path in cache.rglob("*")
        if path.is_file()
        and path.suffix != ".djcache"
        and path.name != CREATED_COUNT_FILE
    }


@pytest.mark.xdist_group("default")
def test_an_unreachable_cache_fails_closed_with_503(bake):
    project = bake().project_path
    credentials = {"username": "admin", "password": SUPERUSER_PASSWORD}
    # A refresh token of this service: only those count (others cost nothing).
    with served(project) as url:
        token = http("POST", f"{url}/api/token/", credentials)[2]["refresh"]
    # Nothing listens on port 1.
    env = project_env(REDIS_URL="redis://127.0.0.1:1/0")
    with served(project, env=env) as url:
        obtained = http("POST", f"{url}/api/token/", credentials)
        refreshed = http("POST", f"{url}/api/token/refresh/", {"refresh": token})

    for status, headers, body in (obtained, refreshed):
        assert status == 503, body
        assert int(headers["Retry-After"]) > 0
        assert body["detail"].startswith("Signing in is unavailable")
