"""Baked projects against this machine's real PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379).

Every PostgreSQL test works in a database made for it and drops it after;
every Redis key is named for one test run and deleted after. Without the
servers these tests skip, and fail when ``CI`` is set.
"""

import re
import sys
import uuid

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import bake_environment, manage, project_env, run
from tests.support.databases import (
    POSTGRES_URL,
    drop_database,
    require_postgres,
    require_redis,
    throwaway_database_url,
)
from tests.support.serving import free_port, http, served
from tests.support.variants import variants

REDIS_URL = "redis://127.0.0.1:6379/0"


def dotenv_value(project, name):
    match = re.search(rf"^{name}=(.*)$", (project / ".env").read_text(), re.MULTILINE)
    return match[1] if match else None


def query(database_url, sql, *parameters):
    """Return the rows of ``sql`` run in the database ``database_url`` names."""
    import psycopg  # noqa: PLC0415 - only the PostgreSQL tests need it

    with psycopg.connect(database_url) as connection:
        return connection.execute(sql, parameters).fetchall()


# PostgreSQL ---------------------------------------------------------------------


@variants("postgresql")
def test_postgresql_bake_migrated_into_the_database_of_database_url(project):
    database_url = dotenv_value(project, "DATABASE_URL")

    server, name = database_url.rsplit("/", 1)
    assert server == POSTGRES_URL
    assert re.fullmatch("tmpl_[0-9a-f]+", name), "not the bake's throwaway database"
    applied = query(database_url, "SELECT app, name FROM django_migrations")
    assert ("users", "0001_initial") in applied
    assert query(database_url, "SELECT username FROM users_user") == [("admin",)]


@variants("postgresql")
def test_postgresql_connections_persist_between_requests(project):
    database = dotenv_value(project, "DATABASE_URL").rsplit("/", 1)[1]
    backends = "SELECT pid FROM pg_stat_activity WHERE datname = %s"
    # Connections of servers that earlier tests stopped may linger for a moment.
    earlier = set(query(f"{POSTGRES_URL}/postgres", backends, database))
    with served(project, workers=1) as base_url:
        status, _, tokens = http(
            "POST",
            f"{base_url}/api/token/",
            {"username": "admin", "password": SUPERUSER_PASSWORD},
        )
        assert status == 200
        for _ in range(5):
            status, _, _ = http(
                "GET",
                f"{base_url}/api/me/",
                headers={"Authorization": f"Bearer {tokens['access']}"},
            )
            assert status == 200

        opened = set(query(f"{POSTGRES_URL}/postgres", backends, database)) - earlier

    # One sync worker, one connection kept open (CONN_MAX_AGE) across requests.
    assert len(opened) == 1


def test_unreachable_postgresql_keeps_the_files_and_prints_the_command_that_finishes(
    cookies, capfd
):
    require_postgres()
    unreachable = f"postgres://postgres@127.0.0.1:{free_port()}/never_created"
    with bake_environment(
        DATABASE_URL=unreachable, DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD
    ):
        result = cookies.bake(
            extra_context={"database": "postgresql", "setup_environment": "current"}
        )
    output = capfd.readouterr()

    assert result.exit_code == 0
    assert (result.project_path / "manage.py").exists()
    assert "bootstrap: database failed" in output.err
    lines = output.err.splitlines()
    finish = lines[lines.index("Fix the cause above, then finish with:") + 1].strip()
    assert finish.startswith(f"cd {result.project_path}")
    assert "bootstrap.py" in finish

    # The fix a person would make: point .env at a server that answers.
    database_url = throwaway_database_url()
    dotenv = result.project_path / ".env"
    dotenv.write_text(dotenv.read_text().replace(unreachable, database_url))
    try:
        env = project_env(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD)
        finished = run(["bash", "-c", finish], result.project_path, env=env)
        assert "Applying users.0001_initial... OK" in finished.stdout
        assert query(database_url, "SELECT username FROM users_user") == [("admin",)]
    finally:
        drop_database(database_url)


def test_postgresql_bake_without_database_url_uses_the_documented_local_default(
    cookies,
):
    require_postgres()
    # The default database is named after the project: a name no other run uses.
    slug = f"tmpl_default_{uuid.uuid4().hex[:8]}"
    default_url = f"{POSTGRES_URL}/{slug}"
    with bake_environment(DJANGO_SUPERUSER_PASSWORD=SUPERUSER_PASSWORD):
        result = cookies.bake(
            extra_context={
                "project_name": slug,
                "database": "postgresql",
                "setup_environment": "current",
            }
        )
    try:
        assert result.exit_code == 0
        assert dotenv_value(result.project_path, "DATABASE_URL") == default_url
        assert (
            f"DATABASE_URL={default_url}"
            in (result.project_path / ".env.example").read_text()
        )
        assert query(default_url, "SELECT username FROM users_user") == [("admin",)]
    finally:
        drop_database(default_url)


# Redis --------------------------------------------------------------------------


@variants("redis")
def test_baked_suite_passes_with_redis_as_the_shared_cache(project):
    require_redis()

    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs"],
        project,
        env=project_env(REDIS_URL=REDIS_URL),
    )

    assert " passed" in result.stdout
    # Tests of other answers (an algorithm's family) may skip; none that needs the cache.
    skipped = [line for line in result.stdout.splitlines() if "SKIPPED" in line]
    assert not [
        line for line in skipped if "redis" in line.lower() or "cache" in line.lower()
    ]


CACHE_ROUND_TRIP = """
import os
from django.core.cache import cache
key = os.environ["ROUND_TRIP_KEY"]
cache.set(key, "round trip", timeout=60)
assert cache.get(key) == "round trip"
print(cache.make_key(key))
"""


def cache_round_trip(project, key, **env):
    """Store ``key`` through the project's cache (local settings); return its stored name."""
    environment = project_env(ROUND_TRIP_KEY=key, **env)
    output = manage(
        project, "shell", "--no-imports", "-c", CACHE_ROUND_TRIP, env=environment
    )
    return output.stdout.strip().splitlines()[-1]


@variants("redis")
def test_cache_round_trip_goes_to_redis_when_redis_url_is_set(project):
    require_redis()
    import redis  # noqa: PLC0415 - a dependency of every baked project

    key = f"tmpl-round-trip-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(REDIS_URL)
    try:
        stored_as = cache_round_trip(project, key, REDIS_URL=REDIS_URL)

        assert stored_as.endswith(key)
        assert client.exists(stored_as) == 1
        assert 0 < client.ttl(stored_as) <= 60
    finally:
        client.delete(*client.keys(f"*{key}"), f"unused-{key}")
        client.close()


@variants("redis")
def test_cache_round_trip_stays_on_this_machine_without_redis_url(project):
    require_redis()
    import redis  # noqa: PLC0415

    key = f"tmpl-round-trip-{uuid.uuid4().hex}"
    cache_dir = project / ".cache"
    before = set(cache_dir.glob("*.djcache")) if cache_dir.exists() else set()

    cache_round_trip(project, key)

    assert set(cache_dir.glob("*.djcache")) - before
    with redis.Redis.from_url(REDIS_URL) as client:
        assert client.keys(f"*{key}") == []
