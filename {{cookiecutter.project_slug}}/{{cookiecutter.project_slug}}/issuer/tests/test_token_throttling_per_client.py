"""Brute-force throttling per client, its counters, and when the shared cache is down.

With the real classes and low rates; the per-username limits (and devices)
are in ``test_token_throttling_per_username.py``.
"""

import json
import logging

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from {{ cookiecutter.project_slug }}.throttling import counters, throttles
from {{ cookiecutter.project_slug }}.throttling.counters import counters_directory

from .token_requests import assert_throttled, obtain
from tests.helpers import (
    LOGIN_FIELD,
    OBTAIN_PER_CLIENT,
    OBTAIN_PER_USERNAME,
    PASSWORD,
    REFRESH_PER_CLIENT,
    WRONG_PASSWORD,
    counter_files,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("low_rates")]


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
        obtain(api_client, user.get_username())

    assert "Throttled: POST /api/token/ from 127.0.0.1" in caplog.text
    assert WRONG_PASSWORD not in caplog.text


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
    # Each client opens two counters here: its own and its username's. Shifted
    # windows would put them in the folders of one or two clock-aligned windows,
    # by the time of day; unshifted, they all count in one.
    monkeypatch.setattr(counters, "MAX_COUNTERS_PER_WINDOW", 4)
    monkeypatch.setattr(throttles, "window_offset", lambda _key, _duration: 0)
    known = {"REMOTE_ADDR": "192.0.2.1"}
    for client in ("192.0.2.1", "192.0.2.2"):
        assert obtain(api_client, client, REMOTE_ADDR=client).status_code == 401

    assert_throttled(obtain(api_client, "new", REMOTE_ADDR="192.0.2.3"))
    assert obtain(api_client, "192.0.2.1", **known).status_code == 401
    assert "Throttle counters full" in caplog.text


def test_requests_that_check_no_password_open_no_counter(
    api_client, user, file_cache, monkeypatch
):
    # Neither a body without credentials nor a token that is not ours costs a
    # password check or a query: counting them would let anybody fill a window.
    monkeypatch.setattr(counters, "MAX_COUNTERS_PER_WINDOW", 2)
    for number in range(10):
        address = {"REMOTE_ADDR": f"198.51.100.{number}"}
        empty = api_client.post("/api/token/", {}, format="json", **address)
        garbage = api_client.post(
            "/api/token/refresh/", {"refresh": "not.a.token"}, format="json", **address
        )
        assert (empty.status_code, garbage.status_code) == (400, 401)

    response = obtain(
        api_client, user.get_username(), PASSWORD, REMOTE_ADDR="192.0.2.50"
    )

    assert response.status_code == 200, response.content


def test_the_addresses_of_one_ipv6_network_share_a_client_counter(api_client):
    # One IPv6 subscriber gets a /64 (RFC 6177): 2**64 addresses, one client.
    for number in range(OBTAIN_PER_CLIENT):
        obtain(api_client, f"guess{number}", REMOTE_ADDR=f"2001:db8:1:2::{number + 1}")

    assert_throttled(obtain(api_client, "another", REMOTE_ADDR="2001:db8:1:2:ffff::9"))
    other_network = obtain(api_client, "another", REMOTE_ADDR="2001:db8:1:3::1")
    assert other_network.status_code == 401


def test_a_lone_surrogate_in_the_login_name_is_a_400(api_client):
    response = api_client.post(
        "/api/token/",
        json.dumps({LOGIN_FIELD: "\ud800", "password": "x"}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert LOGIN_FIELD in response.json()


# --- When the shared cache is down ---------------------------------------------------


def assert_unavailable(response):
    assert response.status_code == 503, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"].startswith("Signing in is unavailable")


def test_obtain_fails_closed_when_the_cache_is_unreachable(
    api_client, user, unreachable_cache, caplog
):
    with caplog.at_level(logging.ERROR):
        response = obtain(api_client, user.get_username(), PASSWORD)

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
