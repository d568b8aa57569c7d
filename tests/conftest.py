import os
from contextlib import contextmanager

import pytest

from tests.support import (
    PROJECT_ENV_NOISE,
    drop_database,
    in_ci,
    postgres_available,
    redis_available,
    throwaway_database_url,
)
from tests.variants import VARIANTS

# Bakes in these tests create the superuser with this password, so that the
# HTTP tests can log in; the generated-password path has tests of its own.
SUPERUSER_PASSWORD = "baked-superuser-password-7f3a"


def require_service(available, description):
    """Skip (or fail on CI, which must run these tests) when a local server is absent."""
    if available():
        return
    message = f"{description} is not listening"
    if in_ci():
        pytest.fail(f"{message}, and CI must run the tests that need it")
    pytest.skip(message)


def require_postgres():
    require_service(postgres_available, "PostgreSQL on 127.0.0.1:5432")


def require_redis():
    require_service(redis_available, "Redis on 127.0.0.1:6379")


@contextmanager
def bake_environment(**overrides):
    """Run a bake without the caller's project variables, with ``overrides`` set."""
    saved = dict(os.environ)
    for name in PROJECT_ENV_NOISE:
        os.environ.pop(name, None)
    os.environ.update(overrides)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="session")
def bake(cookies_session):
    """Return a function that bakes a project once per set of answers and session.

    ``bake(**answers)`` fails the test when the bake fails, and returns
    pytest-cookies' result. PostgreSQL projects get a throwaway database,
    dropped at the end of the session.
    """
    results = {}
    databases = []

    def bake_project(**answers):
        answers.setdefault("setup_environment", "current")
        key = tuple(sorted(answers.items()))
        if key not in results:
            overrides = {"DJANGO_SUPERUSER_PASSWORD": SUPERUSER_PASSWORD}
            if answers.get("database") == "postgresql":
                require_postgres()
                overrides["DATABASE_URL"] = throwaway_database_url()
                databases.append(overrides["DATABASE_URL"])
            with bake_environment(**overrides):
                result = cookies_session.bake(extra_context=answers)
            assert result.exception is None, f"bake failed: {result.exception!r}"
            assert result.exit_code == 0
            results[key] = result
        return results[key]

    yield bake_project
    for url in databases:
        drop_database(url)


@pytest.fixture
def project(bake, variant):
    """The project baked with the answers of ``variant`` (see tests/variants.py)."""
    return bake(**VARIANTS[variant]).project_path
