"""gunicorn settings for the container: ``gunicorn -c config/gunicorn.py config.wsgi``.

Everything comes from the environment (or ``.env``), so one image serves every size:

* ``PORT``: the port to listen on, on every interface (default 8000).
* ``WEB_CONCURRENCY``: worker processes. Default: two per CPU this process
  may use, plus one, as gunicorn's documentation advises for sync workers.
* ``GUNICORN_THREADS``: threads per worker (default 1). More than one
  switches to gunicorn's threaded worker, which suits slow clients and slow
  upstream calls better than more processes.
* ``GUNICORN_TIMEOUT``: seconds a worker may spend on one request before it is
  restarted (default 30).
* ``FORWARDED_ALLOW_IPS``: proxies whose X-Forwarded-* headers to trust (read
  by gunicorn itself).
* ``GUNICORN_CMD_ARGS``: any other gunicorn option, e.g.
  ``--access-logfile -`` (also read by gunicorn itself).

https://docs.gunicorn.org/en/stable/settings.html
"""

import os
from pathlib import Path

import environ
from gunicorn.config import ControlSocket

# The settings' .env applies here too; variables set in the environment win.
environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env")


def available_cpus() -> int:
    """Return the CPUs this process may use: its CPU set, capped by a cgroup quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
    except (OSError, ValueError):
        return cpus
    if quota == "max":
        return cpus
    return max(1, min(cpus, round(int(quota) / int(period))))


port = os.environ.get("PORT", "8000")
bind = f"0.0.0.0:{port}"
# gunicornc's socket, in gunicorn's folder but named by the port: its default
# name is one per user, which every instance on the machine would share.
control_socket = str(Path(ControlSocket.default).with_name(f"gunicorn-{port}.ctl"))
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * available_cpus() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = timeout
# Worker heartbeats in memory: a container's overlay file system can stall them.
SHARED_MEMORY = Path("/dev/shm")  # noqa: S108 - gunicorn's advice for containers
worker_tmp_dir = str(SHARED_MEMORY) if SHARED_MEMORY.is_dir() else None
# Errors to stderr for the container's log collector.
errorlog = "-"
