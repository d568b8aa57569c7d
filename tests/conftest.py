"""Fixtures of the template's tests; the helpers they share are in tests/support/."""

import os
from pathlib import Path

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


def pytest_configure(config):
    # One download cache for pip, pipx, uv and npm, whatever HOME a test gives
    # their commands (the README's routes run with a newcomer's empty one).
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    os.environ.setdefault("PIP_CACHE_DIR", str(cache / "pip"))
    os.environ.setdefault("UV_CACHE_DIR", str(cache / "uv"))
    os.environ.setdefault("npm_config_cache", str(Path.home() / ".npm"))


def xdist_group(item):
    marker = item.get_closest_marker("xdist_group")
    if marker is None:
        return item.nodeid
    return marker.args[0] if marker.args else marker.kwargs["name"]


def pytest_collection_modifyitems(items):
    """Put the groups that take longest first: slow ones, then the biggest.

    xdist hands out a group at a time, in the order the groups come, to the
    worker that is free: the last groups are the run's tail, where one worker
    may work alone. A group keeps its tests' order.
    """
    groups = {}
    for item in items:
        groups.setdefault(xdist_group(item), []).append(item)

    def length(item):
        group = groups[xdist_group(item)]
        slow = any(member.get_closest_marker("slow") for member in group)
        return (not slow, -len(group))

    items.sort(key=length)
