"""The container's health check: ``python -m config.healthcheck``.

Asks this instance's readiness endpoint (``/api/ready/``) on ``PORT`` and
exits 0 when it answers 200, else 1 with the answer or the error, which
``docker inspect`` shows. Django answers 400 to a ``Host`` it does not allow:
the probe names the first host of ``DJANGO_ALLOWED_HOSTS``.
"""

import os
import sys
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 5


def probe_host(allowed_hosts: str) -> str:
    """Return a ``Host`` that ``DJANGO_ALLOWED_HOSTS`` allows.

    Its first host; ``example.com`` for ``.example.com`` (the domain and its
    subdomains); ``localhost`` for ``*`` or nothing.
    """
    hosts = [host.strip() for host in allowed_hosts.split(",") if host.strip()]
    first = hosts[0] if hosts else ""
    if first in {"", "*"}:
        return "localhost"
    return first.lstrip(".")


def check(port: str, host: str) -> str | None:
    """Return why the instance at ``port`` is not ready, or None when it is."""
    url = f"http://127.0.0.1:{port}/api/ready/"
    request = urllib.request.Request(url, headers={"Host": host})
    try:
        # A fixed http:// URL: never a file:// or other scheme.
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS):  # noqa: S310
            return None
    except urllib.error.HTTPError as error:
        return f"{error.code}: {error.read().decode(errors='replace')}"
    except OSError as error:
        return str(error)


def main() -> int:
    problem = check(
        os.environ.get("PORT", "8000"),
        probe_host(os.environ.get("DJANGO_ALLOWED_HOSTS", "")),
    )
    if problem is None:
        return 0
    sys.stderr.write(f"not ready: {problem}\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
