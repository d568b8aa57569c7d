"""Two instances of one baked project, as two machines would run it: one PostgreSQL, one Redis.

Each instance is a checkout of its own (its own files, its own ``.cache``),
served by its own gunicorn; they share only the database and the Redis cache.
What one instance does to a session, a user or a throttle must hold on the
other within the documented bound (about a second), and concurrent refreshes
of one token spread over both rotate it exactly once. The generated project's
own suite proves the single-process rules (token_sessions/tests/).
"""

import secrets
import shutil
import time
import uuid

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import manage, project_env
from tests.support.databases import require_postgres, require_redis
from tests.support.serving import concurrently, http, served
from tests.support.variants import VARIANTS

ANSWERS = VARIANTS["rotation-blacklist"] | {"database": "postgresql"}
REDIS_URL = "redis://127.0.0.1:6379/0"
LOGIN_LIMIT = 5
# The documented bound is about a second (one poll of the shared cache, then
# one query); allow for two loaded cores.
BOUND_SECONDS = 2.5

pytestmark = pytest.mark.xdist_group("rotation-blacklist-postgresql")


@pytest.fixture(scope="module")
def machines(bake, tmp_path_factory):
    """Serve two checkouts of one bake; yield their URLs, the environment and a checkout."""
    require_postgres()
    require_redis()
    project = bake(**ANSWERS).project_path
    checkouts = []
    for name in ("machine-a", "machine-b"):
        checkout = tmp_path_factory.mktemp(name) / project.name
        shutil.copytree(
            project,
            checkout,
            ignore=shutil.ignore_patterns(".cache", "__pycache__", ".pytest_cache"),
        )
        checkouts.append(checkout)
    env = project_env(
        REDIS_URL=REDIS_URL,
        # Clients are told apart by X-Forwarded-For, so that every run has
        # addresses of its own even in a Redis that outlives it.
        DJANGO_NUM_PROXIES="1",
        DJANGO_THROTTLE_OBTAIN_PER_CLIENT=f"{LOGIN_LIMIT}/day",
        DJANGO_THROTTLE_OBTAIN_PER_USERNAME="100000/day",
        DJANGO_THROTTLE_REFRESH_PER_CLIENT="100000/day",
    )
    with (
        served(checkouts[0], env=dict(env)) as url_a,
        served(checkouts[1], env=dict(env)) as url_b,
    ):
        yield url_a, url_b, env, checkouts[0]


def new_client():
    """Return request headers of a client no other run has used."""
    address = ".".join(str(secrets.randbelow(250)) for _ in range(3))
    address = f"10.{address}"
    return {"X-Forwarded-For": address, "User-Agent": f"client-{uuid.uuid4().hex[:8]}"}


def login(url, client, username="admin", password=SUPERUSER_PASSWORD):
    status, _, body = http(
        "POST",
        f"{url}/api/token/",
        {"username": username, "password": password},
        client,
    )
    assert status == 200, body
    return body


def call(url, tokens, client, method="GET", path="/api/"):
    headers = client | {"Authorization": f"Bearer {tokens['access']}"}
    return http(method, f"{url}{path}", headers=headers)


def refresh(url, token, client):
    return http("POST", f"{url}/api/token/refresh/", {"refresh": token}, client)


def refused_within(url, tokens, client):
    """Return how many seconds ``url`` took to refuse ``tokens``' access token."""
    started = time.monotonic()
    while time.monotonic() - started < BOUND_SECONDS:
        if call(url, tokens, client)[0] == 401:
            return time.monotonic() - started
        time.sleep(0.05)
    pytest.fail(f"{url} still accepted the access token after {BOUND_SECONDS} s")


def test_ending_a_session_on_one_machine_holds_on_the_other(machines):
    url_a, url_b, _, _ = machines
    client = new_client()
    ending, staying = login(url_a, client), login(url_a, client)
    # Machine B has verified the token and remembers the user.
    assert call(url_b, ending, client)[0] == 200
    listed = call(url_b, ending, client, path="/api/sessions/")[2]
    ending_id = next(session["id"] for session in listed if session["current"])

    status, _, _ = call(url_a, staying, client, "DELETE", f"/api/sessions/{ending_id}/")

    assert status == 204
    assert refresh(url_b, ending["refresh"], client)[0] == 401
    refused_within(url_b, ending, client)
    assert call(url_b, staying, client)[0] == 200


def test_logout_all_on_one_machine_holds_on_the_other(machines):
    url_a, url_b, _, _ = machines
    client = new_client()
    first, second = login(url_a, client), login(url_b, client)
    assert call(url_b, first, client)[0] == 200
    assert call(url_a, second, client)[0] == 200

    assert call(url_a, first, client, "POST", "/api/token/logout-all/")[0] == 200

    for tokens in (first, second):
        assert refresh(url_b, tokens["refresh"], client)[0] == 401
        refused_within(url_b, tokens, client)


def test_logout_on_one_machine_refuses_the_access_token_on_the_other(machines):
    url_a, url_b, _, _ = machines
    client = new_client()
    tokens = login(url_b, client)
    assert call(url_b, tokens, client)[0] == 200

    status, _, _ = http(
        "POST", f"{url_a}/api/token/blacklist/", {"refresh": tokens["refresh"]}, client
    )

    assert status == 200
    refused_within(url_b, tokens, client)


def test_deactivation_on_one_machine_holds_on_the_other(machines):
    url_a, url_b, env, checkout_a = machines
    client = new_client()
    username = f"carol-{uuid.uuid4().hex[:8]}"
    manage(
        checkout_a,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"get_user_model().objects.create_user({username!r}, password={SUPERUSER_PASSWORD!r})",
        env=dict(env),
    )
    tokens = login(url_a, client, username)
    assert call(url_b, tokens, client)[0] == 200

    manage(
        checkout_a,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model; "
        f"user = get_user_model().objects.get(username={username!r}); "
        "user.is_active = False; user.save()",
        env=dict(env),
    )

    refused_within(url_b, tokens, client)
    assert refresh(url_b, tokens["refresh"], client)[0] == 401


def test_throttling_on_one_machine_holds_on_the_other(machines):
    url_a, url_b, _, _ = machines
    client = new_client()
    wrong = {"username": "admin", "password": "not the password"}
    for _ in range(LOGIN_LIMIT):
        assert http("POST", f"{url_a}/api/token/", wrong, client)[0] == 401

    status, headers, _ = http("POST", f"{url_b}/api/token/", wrong, client)

    assert status == 429
    assert int(headers["Retry-After"]) > 0


def test_concurrent_refreshes_over_both_machines_rotate_a_token_once(machines):
    url_a, url_b, _, _ = machines
    client = new_client()
    token = login(url_a, client)["refresh"]

    answers = concurrently(
        16, lambda index: refresh((url_a, url_b)[index % 2], token, client)
    )

    rotated = {body["refresh"] for status, _, body in answers if status == 200}
    refused = {
        (status, body.get("code")) for status, _, body in answers if status != 200
    }
    # One rotation; the client's own twins get its result or a 401, never a
    # second descendant of the token.
    assert len(rotated) == 1
    assert refused <= {(401, "token_not_valid")}
    (newest,) = rotated
    assert refresh(url_b, newest, client)[0] == 200
