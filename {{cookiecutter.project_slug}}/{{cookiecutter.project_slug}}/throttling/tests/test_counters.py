"""The throttles' rates and counters: DRF's rate format, and counting that holds across workers."""

import threading
import time

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from {{ cookiecutter.project_slug }}.throttling.counters import (
    count_request,
    counters_directory,
    remove_expired_windows,
)
from {{ cookiecutter.project_slug }}.throttling.throttles import parse_rate


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("20/minute", (20, 60)),
        ("30/hour", (30, 3600)),
        ("5/s", (5, 1)),
        ("1/day", (1, 86400)),
    ],
)
def test_rates_read_like_drf_rates(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["", "20", "twenty/minute", "20/fortnight", "/minute"])
def test_malformed_rates_are_refused(rate):
    with pytest.raises(ValueError, match="is not a rate"):
        parse_rate(rate)


def test_file_cache_counts_every_request_of_concurrent_workers(tmp_path):
    # The file cache cannot increment atomically; the lock must make up for it.
    workers, requests_each = 8, 25
    barrier = threading.Barrier(workers)
    window_end = int(time.time()) + 60
    counts: list[int] = []

    def count_requests():
        file_cache = FileBasedCache(str(tmp_path), {})
        barrier.wait()
        counts.extend(
            count_request(file_cache, "login", window_end) for _ in range(requests_each)
        )

    threads = [threading.Thread(target=count_requests) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == list(range(1, workers * requests_each + 1))


def test_file_counter_starts_again_once_its_window_has_passed(tmp_path, monkeypatch):
    file_cache = FileBasedCache(str(tmp_path), {})
    now = int(time.time())
    counts = [count_request(file_cache, "login", now + 60) for _ in range(3)]
    assert counts == [1, 2, 3]

    monkeypatch.setattr(time, "time", lambda: now + 61)

    assert count_request(file_cache, "login", now + 120) == 1


def counter_files(directory):
    return [path for path in directory.rglob("*") if path.is_file()]


def test_counters_of_ended_windows_are_removed_and_live_ones_kept(tmp_path):
    file_cache = FileBasedCache(str(tmp_path), {})
    now = int(time.time())
    count_request(file_cache, "ended", now - 1)
    count_request(file_cache, "live", now + 60)
    directory = counters_directory(file_cache)

    remove_expired_windows(directory)

    assert [path.parent.name for path in counter_files(directory)] == [
        str(now + 60)
    ] * 2  # The counter and the count of counters of its window.


def test_a_sweep_claims_a_window_once_among_concurrent_sweepers(tmp_path):
    directory = counters_directory(FileBasedCache(str(tmp_path), {}))
    ended = directory / str(int(time.time()) - 1)
    ended.mkdir(parents=True)
    for number in range(200):
        (ended / f"counter{number}").write_text("1")
    sweepers = [
        threading.Thread(target=remove_expired_windows, args=(directory,))
        for _ in range(4)
    ]
    for sweeper in sweepers:
        sweeper.start()
    for sweeper in sweepers:
        sweeper.join()

    assert list(directory.iterdir()) == []
