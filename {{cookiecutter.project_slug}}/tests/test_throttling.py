"""Brute-force throttling of the token endpoints, with the real classes and low rates."""

import json
import logging
import sys
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.cache.backends.filebased import FileBasedCache
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from {{ cookiecutter.project_slug }}.jwt_auth import counters
from {{ cookiecutter.project_slug }}.jwt_auth.counters import (
    count_request,
    counters_directory,
    remove_expired_windows,
)
from {{ cookiecutter.project_slug }}.jwt_auth.throttles import parse_rate

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


@pytest.fixture
def file_cache(settings, tmp_path):
    """The file cache of several workers on one machine, in a folder of this test."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path),
        },
    }
    return counters_directory(FileBasedCache(str(tmp_path), {}))


def test_a_request_refused_for_its_client_opens_no_username_counter(
    api_client, file_cache
):
    for number in range(OBTAIN_PER_CLIENT):
        obtain(api_client, f"guess{number}")
    before = counter_files(file_cache)

    for number in range(20):
        assert_throttled(obtain(api_client, f"another-guess{number}"))

    assert counter_files(file_cache) == before


def test_a_full_window_refuses_new_clients_and_keeps_counting_known_ones(
    api_client, file_cache, monkeypatch, caplog
):
    # Each client opens two counters here: its own and its username's.
    monkeypatch.setattr(counters, "MAX_COUNTERS_PER_WINDOW", 4)
    known = {"REMOTE_ADDR": "192.0.2.1"}
    for client in ("192.0.2.1", "192.0.2.2"):
        assert obtain(api_client, client, REMOTE_ADDR=client).status_code == 401

    assert_throttled(obtain(api_client, "new", REMOTE_ADDR="192.0.2.3"))
    assert obtain(api_client, "192.0.2.1", **known).status_code == 401
    assert "Throttle counters full" in caplog.text


def test_a_lone_surrogate_in_the_username_is_a_400(api_client):
    response = api_client.post(
        "/api/token/",
        '{"username": "\\ud800", "password": "x"}',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "username" in response.json()


# --- Every spelling of a username shares its counter ---------------------------------

# Every character str.strip() removes, as DRF's and Django's fields do.
WHITESPACE = "".join(
    character
    for character in map(chr, range(sys.maxunicode + 1))
    if character.isspace()
)
SPELLINGS = [
    " alice",
    "alice ",
    "\talice\n",
    "\u00a0alice",
    "alice\u2003",
    "\u3000alice\u3000",
    "ALICE",
    "\uff41\uff4c\uff49\uff43\uff45",  # Fullwidth "alice": the same after NFKC.
]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_a_respelled_username_shares_the_counter(api_client, user, spelling):
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, user.username, REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(obtain(api_client, spelling, PASSWORD, REMOTE_ADDR="192.0.2.99"))


def test_a_number_for_a_numeric_username_shares_the_counter(api_client, db):
    get_user_model().objects.create_user(username="4217", password=PASSWORD)
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, "4217", REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(obtain(api_client, 4217, PASSWORD, REMOTE_ADDR="192.0.2.99"))


def spellings_of(username):
    """Strings (and, for a number, the number) that may authenticate as ``username``."""
    padding = st.lists(st.sampled_from(WHITESPACE), max_size=3).map("".join)
    cased = st.sampled_from(
        [username, username.upper(), username.title(), username.swapcase()]
    )
    spelled = st.builds(
        lambda before, name, after: before + name + after, padding, cased, padding
    )
    if username.isdigit():
        return st.one_of(spelled, st.just(int(username)))
    return spelled


@pytest.mark.parametrize("username", ["alice", "4217", "Zoë"])
def test_every_spelling_that_authenticates_shares_the_counter(
    api_client, db, settings, username
):
    get_user_model().objects.create_user(username=username, password=PASSWORD)
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"token_obtain_per_username": "1/day"},
    }

    @hypothesis_settings(
        max_examples=60,
        deadline=None,
        database=None,  # No .hypothesis/ folder: the examples are cheap to find.
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(spelling=spellings_of(username))
    def only_the_first_attempt_counts(spelling):
        cache.clear()
        obtain(api_client, username, REMOTE_ADDR="192.0.2.1")
        response = obtain(api_client, spelling, PASSWORD, REMOTE_ADDR="192.0.2.2")
        # Throttled, or refused because it is not the user: never logged in.
        assert response.status_code in {401, 429}, json.dumps(spelling)

    only_the_first_attempt_counts()


# --- When the shared cache is down ---------------------------------------------------


@pytest.fixture
def unreachable_cache(settings):
    # Nothing listens on port 1: every connection is refused at once.
    reachable = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    yield
    settings.CACHES = reachable  # Before low_rates clears it.


def assert_unavailable(response):
    assert response.status_code == 503, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Signing in is unavailable")


def test_obtain_fails_closed_when_the_cache_is_unreachable(
    api_client, user, unreachable_cache, caplog
):
    with caplog.at_level(logging.ERROR):
        response = obtain(api_client, user.username, PASSWORD)

    assert_unavailable(response)
    assert "Throttling unavailable, POST /api/token/ refused with 503" in caplog.text
    assert PASSWORD not in caplog.text
    assert "127.0.0.1:1" not in caplog.text


def test_refresh_fails_closed_when_the_cache_is_unreachable(
    api_client, tokens, unreachable_cache
):
    response = api_client.post(
        "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
    )

    assert_unavailable(response)


def test_access_tokens_work_while_the_cache_is_unreachable(
    api_client, authorization, unreachable_cache
):
    assert api_client.get("/api/", HTTP_AUTHORIZATION=authorization).status_code == 200


# --- The admin's login form counts with /api/token/ ----------------------------------

ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_user(
        username="boss", password=PASSWORD, is_staff=True, is_superuser=True
    )


def admin_login(client, username, password=WRONG_PASSWORD, address="192.0.2.1"):
    return client.post(
        ADMIN_LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def assert_throttled_form(response):
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 24 * 60 * 60
    page = response.content.decode()
    assert f"Too many attempts. Try again in {response['Retry-After']} s." in page
    assert 'name="password"' in page  # The form again.


def test_the_right_password_logs_in_to_the_admin(client, staff):
    response = admin_login(client, staff.username, PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_wrong_admin_passwords_for_one_username_end_in_429(client, staff):
    statuses = [
        admin_login(client, staff.username, address=f"192.0.2.{number}").status_code
        for number in range(OBTAIN_PER_USERNAME)
    ]

    assert statuses == [200] * OBTAIN_PER_USERNAME
    response = admin_login(client, staff.username, PASSWORD, address="192.0.2.99")
    assert_throttled_form(response)
    assert "_auth_user_id" not in client.session


def test_throttled_admin_attempts_are_logged(client, staff, caplog):
    for _ in range(OBTAIN_PER_USERNAME + 1):
        admin_login(client, staff.username)

    assert "Throttled: POST /admin/login/ from 192.0.2.1" in caplog.text
    assert WRONG_PASSWORD not in caplog.text


def test_one_client_guessing_admin_usernames_ends_in_429(client):
    for number in range(OBTAIN_PER_CLIENT):
        assert admin_login(client, f"guess{number}").status_code == 200

    assert_throttled_form(admin_login(client, "another-guess"))


def test_attempts_through_the_api_count_for_the_admin(client, api_client, staff):
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, staff.username, REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled_form(
        admin_login(client, staff.username, PASSWORD, address="192.0.2.99")
    )


def test_attempts_through_the_admin_count_for_the_api(client, api_client, staff):
    for number in range(OBTAIN_PER_USERNAME):
        admin_login(client, staff.username, address=f"192.0.2.{number}")

    assert_throttled(
        obtain(api_client, staff.username, PASSWORD, REMOTE_ADDR="192.0.2.99")
    )


def test_a_respelled_admin_username_shares_the_counter(client, staff):
    for number in range(OBTAIN_PER_USERNAME):
        admin_login(client, staff.username, address=f"192.0.2.{number}")

    response = admin_login(client, "\u3000BOSS\t", PASSWORD, address="192.0.2.99")

    assert_throttled_form(response)


def test_the_login_form_fails_closed_when_the_cache_is_unreachable(
    client, staff, unreachable_cache
):
    response = admin_login(client, staff.username, PASSWORD)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Signing in is unavailable for a moment." in response.content.decode()
