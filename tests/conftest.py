"""Fixtures of the template's tests; the helpers they share are in tests/support/."""

import pytest

from tests.support.baking import SUPERUSER_PASSWORD
from tests.support.commands import bake_environment
from tests.support.databases import (
    drop_database,
    require_postgres,
    throwaway_database_url,
)
from tests.support.variants import VARIANTS


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
    """The project baked with the answers of ``variant`` (see tests/support/variants.py)."""
    return bake(**VARIANTS[variant]).project_path
