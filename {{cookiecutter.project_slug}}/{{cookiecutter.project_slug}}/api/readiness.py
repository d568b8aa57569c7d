"""Readiness: whether this instance can serve requests now.

Liveness (``/api/health/``) says the process answers; readiness says that the
database and the shared cache answer too, so that a load balancer sends
requests only to instances that can serve them. A dependency that hangs fails
its check within the timeouts the settings give its client (``connect_timeout``
for PostgreSQL, socket timeouts for Redis) instead of stalling the probe.
"""

import logging
import secrets
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


def check_database() -> None:
    """Run a query on the default database; raise when it cannot."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    """Store, read back and delete a key of its own; raise when the cache cannot."""
    key = f"readiness:{secrets.token_hex(8)}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            msg = "the cache lost a value it had just stored"
            raise RuntimeError(msg)
    finally:
        cache.delete(key)


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
}


def run_checks() -> dict[str, dict[str, str]]:
    """Return each check's outcome: ``{"status": "ok"}`` or the failure's reason.

    The reason names the kind of error only; its message, which may hold
    host names, goes to the log.
    """
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.warning("Readiness: the %s check failed: %r", name, error)
            results[name] = {"status": "unavailable", "reason": type(error).__name__}
        else:
            results[name] = {"status": "ok"}
    return results
