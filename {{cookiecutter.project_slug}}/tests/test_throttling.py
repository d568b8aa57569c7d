"""Brute-force throttling of the token endpoints, with the real classes and low rates."""

import os
import threading
import time

import pytest
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache

from {{ cookiecutter.project_slug }}.jwt_auth.throttles import (
    COUNTER_SUFFIX,
    STALE_COUNTER_SECONDS,
    count_request,
    parse_rate,
    remove_stale_counters,
)

from .helpers import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_PASSWORD = "not the password"
OBTAIN_PER_CLIENT = 4
OBTAIN_PER_USERNAME = 3
REFRESH_PER_CLIENT = 2


@pytest.fixture(autouse=True)
def low_rates(settings):
    # A day-long window: a test never straddles two windows.
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {
            "token_obtain_per_client": f"{OBTAIN_PER_CLIENT}/day",
            "token_obtain_per_username": f"{OBTAIN_PER_USERNAME}/day",
            "token_refresh_per_client": f"{REFRESH_PER_CLIENT}/day",
        },
    }
    cache.clear()
    yield
    cache.clear()


def obtain(api_client, username, password=WRONG_PASSWORD, **extra):
    return api_client.post(
        "/api/token/",
        {"username": username, "password": password},
        format="json",
        **extra,
    )


def assert_throttled(response):
    assert response.status_code == 429, response.content
    assert 0 < int(response["Retry-After"]) <= 24 * 60 * 60
    assert response.json()["detail"].startswith("Request was throttled.")


def test_wrong_passwords_for_one_username_end_in_429(api_client, user):
    statuses = [
        obtain(api_client, user.username).status_code
        for _ in range(OBTAIN_PER_USERNAME)
    ]

    assert statuses == [401] * OBTAIN_PER_USERNAME
    assert_throttled(obtain(api_client, user.username))


def test_the_right_password_is_throttled_too_once_the_limit_is_hit(api_client, user):
    for _ in range(OBTAIN_PER_USERNAME):
        obtain(api_client, user.username)

    assert_throttled(obtain(api_client, user.username, PASSWORD))


def test_username_limit_holds_across_client_addresses(api_client, user):
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, user.username, REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(obtain(api_client, user.username, REMOTE_ADDR="192.0.2.99"))


def test_username_limit_ignores_letter_case(api_client, user):
    for number, name in enumerate(["alice", "ALICE", "Alice"]):
        obtain(api_client, name, REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(obtain(api_client, "aLiCe", REMOTE_ADDR="192.0.2.99"))


def test_client_limit_holds_across_usernames(api_client):
    for number in range(OBTAIN_PER_CLIENT):
        assert obtain(api_client, f"guess{number}").status_code == 401

    assert_throttled(obtain(api_client, "another-guess"))


def test_forged_forwarded_for_does_not_reset_the_client_limit(api_client):
    # No proxy is configured (NUM_PROXIES = 0): the header is the client's word.
    for number in range(OBTAIN_PER_CLIENT):
        obtain(
            api_client, f"guess{number}", HTTP_X_FORWARDED_FOR=f"198.51.100.{number}"
        )

    response = obtain(api_client, "another", HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert_throttled(response)


def test_behind_a_proxy_each_forwarded_client_has_its_own_limit(api_client, settings):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": 1}
    for number in range(OBTAIN_PER_CLIENT):
        obtain(api_client, f"guess{number}", HTTP_X_FORWARDED_FOR="198.51.100.1")

    other_client = obtain(api_client, "other", HTTP_X_FORWARDED_FOR="198.51.100.2")
    same_client = obtain(api_client, "again", HTTP_X_FORWARDED_FOR="198.51.100.1")

    assert other_client.status_code == 401
    assert_throttled(same_client)


def test_refresh_is_throttled_per_client(api_client, tokens):
    def refresh(token):
        return api_client.post("/api/token/refresh/", {"refresh": token}, format="json")

    token = tokens["refresh"]
    for _ in range(REFRESH_PER_CLIENT):
        response = refresh(token)
        assert response.status_code == 200
        token = response.json().get("refresh", token)  # Rotated, if it rotates.

    assert_throttled(refresh(token))


def test_other_endpoints_are_not_throttled(api_client, authorization):
    statuses = {
        api_client.get("/api/", HTTP_AUTHORIZATION=authorization).status_code
        for _ in range(OBTAIN_PER_CLIENT + REFRESH_PER_CLIENT + 1)
    }

    assert statuses == {200}


def test_throttled_attempts_are_logged(api_client, user, caplog):
    for _ in range(OBTAIN_PER_USERNAME + 1):
        obtain(api_client, user.username)

    assert "Throttled: POST /api/token/ from 127.0.0.1" in caplog.text
    assert WRONG_PASSWORD not in caplog.text


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
    counts = []

    def count_requests():
        file_cache = FileBasedCache(str(tmp_path), {})
        barrier.wait()
        counts.extend(
            count_request(file_cache, "login", timeout=60) for _ in range(requests_each)
        )

    threads = [threading.Thread(target=count_requests) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == list(range(1, workers * requests_each + 1))


def test_file_counter_starts_again_once_its_window_has_passed(tmp_path, monkeypatch):
    file_cache = FileBasedCache(str(tmp_path), {})
    assert [count_request(file_cache, "login", timeout=60) for _ in range(3)] == [
        1,
        2,
        3,
    ]

    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)

    assert count_request(file_cache, "login", timeout=60) == 1


def test_stale_counter_files_are_removed_and_live_ones_kept(tmp_path):
    stale, live = (
        tmp_path / f"stale{COUNTER_SUFFIX}",
        tmp_path / f"live{COUNTER_SUFFIX}",
    )
    stale.write_text("0 1")
    live.write_text("0 1")
    long_ago = time.time() - STALE_COUNTER_SECONDS - 60
    os.utime(stale, (long_ago, long_ago))

    remove_stale_counters(tmp_path)

    assert not stale.exists()
    assert live.exists()
