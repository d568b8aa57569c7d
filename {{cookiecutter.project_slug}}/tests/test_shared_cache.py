"""The shared cache of base.py: Redis when REDIS_URL is set, else files.

The test settings use an in-memory cache; these tests build the cache that
local and production settings configure, so that a run with REDIS_URL set
(as in CI) proves the service works with that Redis.
"""

import uuid

import pytest
from django.utils.module_loading import import_string

from config.settings import base


@pytest.fixture
def shared_cache(tmp_path):
    """Return the cache base.py configures, with keys no other run uses."""
    config = dict(base.CACHES["default"])
    backend = import_string(config.pop("BACKEND"))
    location = config.pop("LOCATION")
    if backend.__name__ == "FileBasedCache":
        location = tmp_path
    cache = backend(location, {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.close()


def test_shared_cache_is_redis_exactly_when_redis_url_is_set():
    expected = "RedisCache" if base.REDIS_URL else "FileBasedCache"

    assert base.CACHES["default"]["BACKEND"].endswith(expected)


def test_shared_cache_stores_counts_and_forgets(shared_cache):
    shared_cache.set("greeting", {"message": "hello"}, timeout=60)
    shared_cache.set("hits", 0, timeout=60)

    assert shared_cache.get("greeting") == {"message": "hello"}
    assert shared_cache.incr("hits") == 1
    shared_cache.delete_many(["greeting", "hits"])
    assert shared_cache.get("greeting") is None
