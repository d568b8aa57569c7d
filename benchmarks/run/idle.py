"""Wait for the requests a load left behind before the next load starts.

wrk stops at the end of its duration, but the requests it had sent are still
answered: up to its connections times a request's time, over the server's
workers (about a second after the article's PBKDF2 login). The next load,
often another server's, would share the CPUs with them and look slower than
it is: ours measured right after the article's login lost 15-20 %.
"""

import os
import time
from pathlib import Path

PROC_STAT = Path("/proc/stat")
SAMPLE_SECONDS = 0.1
# Idle: less than this share of one CPU busy over a sample (the benchmark's
# own process and the idle servers' heartbeats stay under it).
IDLE_SHARE_OF_ONE_CPU = 0.2
# A machine that others keep busy is never idle: wait this long at most.
MAX_WAIT_SECONDS = 3.0
# Where the CPU's time cannot be read (not Linux): a request's tail, at most.
FALLBACK_SECONDS = 1.0


def cpu_times() -> tuple[int, int]:
    """Return the busy and the total time of every CPU, in clock ticks."""
    first_line = PROC_STAT.read_text().split("\n", 1)[0]
    ticks = [int(value) for value in first_line.split()[1:9]]
    idle = ticks[3] + ticks[4]  # idle and iowait
    return sum(ticks) - idle, sum(ticks)


def wait_until_idle(max_seconds: float = MAX_WAIT_SECONDS) -> None:
    """Return once the CPUs are idle, or after ``max_seconds``."""
    started = time.monotonic()
    if not PROC_STAT.exists():
        time.sleep(FALLBACK_SECONDS)
        return
    cpus = os.cpu_count() or 1
    busy, total = cpu_times()
    while time.monotonic() - started < max_seconds:
        time.sleep(SAMPLE_SECONDS)
        now_busy, now_total = cpu_times()
        if now_total > total:
            share_of_one_cpu = (now_busy - busy) / (now_total - total) * cpus
            if share_of_one_cpu < IDLE_SHARE_OF_ONE_CPU:
                break
        busy, total = now_busy, now_total
