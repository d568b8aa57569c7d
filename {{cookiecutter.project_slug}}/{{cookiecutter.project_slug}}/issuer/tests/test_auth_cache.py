"""The authentication cache: fast, and never trusting a changed user for long.

See ``jwt_auth/cache.py`` for the rules these tests specify.
"""

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import update_last_login
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from {{ cookiecutter.project_slug }}.issuer.tokens import AccessToken
from {{ cookiecutter.project_slug }}.jwt_auth.authentication import (
    CachedJWTAuthentication,
)
from {{ cookiecutter.project_slug }}.jwt_auth.cache import (
    UserSnapshot,
    user_changed,
    users_changed,
    verified_tokens,
)
from {{ cookiecutter.project_slug }}.jwt_auth.workers import (
    CACHE_PAUSE_SECONDS,
    POLL_SECONDS,
)

from config.settings import base
from tests.helpers import authorization_header

pytestmark = pytest.mark.django_db

DELAY = 30


@pytest.fixture(autouse=True)
def documented_delay(settings):
    """Run every test with the documented delay (conftest.py empties the caches)."""
    settings.JWT_USER_CACHE_SECONDS = DELAY


@pytest.fixture
def later(monkeypatch):
    """Return a function that moves the cache's clock forward by some seconds."""
    offset = 0.0
    real_monotonic = time.monotonic

    def advance(seconds):
        nonlocal offset
        offset += seconds

    monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + offset)
    return advance


@pytest.fixture
def hello(api_client, authorization):
    """Return a function that calls the protected endpoint; the user is cached."""

    def call():
        return api_client.get("/api/", HTTP_AUTHORIZATION=authorization)

    assert call().status_code == 200
    return call


def deactivate_behind_the_orms_back(user):
    """Change the user the way signals never see: QuerySet.update()."""
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)


def test_a_known_user_costs_no_database_query(hello, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert hello().status_code == 200


def test_a_deactivated_user_is_refused_at_once(hello, user):
    user.is_active = False
    user.save()

    assert hello().status_code == 401


def test_a_deleted_user_is_refused_at_once(hello, user):
    user.delete()

    response = hello()

    assert response.status_code == 401
    assert response.json()["code"] == "user_not_found"


def test_a_password_change_refuses_earlier_tokens_at_once(hello, user):
    user.set_password("a different password, long enough")
    user.save()

    response = hello()

    assert response.status_code == 401
    assert response.json()["code"] == "password_changed"


def test_a_change_the_signals_miss_is_refused_after_the_delay(hello, user, later):
    deactivate_behind_the_orms_back(user)
    later(DELAY - 1)

    assert hello().status_code == 200, "within the delay the worker may still trust it"

    later(1)

    assert hello().status_code == 401


def test_with_no_delay_every_request_reads_the_user(hello, user, settings):
    settings.JWT_USER_CACHE_SECONDS = 0
    deactivate_behind_the_orms_back(user)

    assert hello().status_code == 401


def test_a_change_announced_by_another_process_is_refused_within_a_second(
    hello, user, later
):
    deactivate_behind_the_orms_back(user)
    cache.set(users_changed.key, "announced by another worker")
    later(POLL_SECONDS)

    assert hello().status_code == 401


def test_saving_a_user_announces_the_change_once_committed(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "Alice"
        user.save()

    assert cache.get(users_changed.key) is not None


def test_recording_a_login_announces_nothing(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        update_last_login(type(user), user)

    assert callbacks == []


def test_calling_user_changed_after_an_update_refuses_at_once(hello, user):
    deactivate_behind_the_orms_back(user)
    user_changed(user.pk)

    assert hello().status_code == 401


def test_a_new_login_after_a_password_change_elsewhere_is_accepted(
    hello, user, api_client
):
    get_user_model().objects.filter(pk=user.pk).update(
        password=make_password("a new password, changed elsewhere")
    )
    user.refresh_from_db()
    token = AccessToken.for_user(user)

    response = api_client.get(
        "/api/", HTTP_AUTHORIZATION=authorization_header(str(token))
    )

    assert response.status_code == 200


def test_refusals_are_not_cached(hello, user):
    # Not through save(), which would also end the user's sessions.
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    user_changed(user.pk)
    assert hello().status_code == 401
    get_user_model().objects.filter(pk=user.pk).update(is_active=True)

    assert hello().status_code == 200


def test_each_request_gets_a_user_and_token_of_its_own(rf, authorization):
    request = rf.get("/api/", HTTP_AUTHORIZATION=authorization)
    backend = CachedJWTAuthentication()

    first, second = backend.authenticate(request), backend.authenticate(request)
    assert first is not None
    assert second is not None
    (first_user, first_token), (second_user, second_token) = first, second

    assert first_user == second_user
    assert first_user is not second_user
    assert first_token.payload == second_token.payload
    assert first_token.payload is not second_token.payload


def assert_as_loaded(copy, user):
    """Assert ``copy`` is a new instance of ``user`` as the database gives it."""
    loaded = get_user_model().objects.get(pk=user.pk)
    assert copy is not user
    for field in loaded._meta.concrete_fields:
        assert getattr(copy, field.attname) == getattr(loaded, field.attname)
    assert copy._state.adding is False
    assert copy._state.db == loaded._state.db


def test_a_cached_user_is_copied_as_if_loaded(user):
    snapshot = UserSnapshot(user)

    assert snapshot.copyable
    assert_as_loaded(snapshot.instance(), user)


def test_a_cached_user_is_loaded_through_model_init_when_its_signals_are_heard(user):
    initialised = []

    def remember(sender, instance, **kwargs):
        initialised.append(instance)

    post_init.connect(remember, sender=type(user))
    try:
        snapshot = UserSnapshot(user)
        copy = snapshot.instance()
    finally:
        post_init.disconnect(remember, sender=type(user))

    assert not snapshot.copyable
    assert initialised[-1] is copy
    assert_as_loaded(copy, user)


def test_a_cached_token_is_checked_again_once_expired(authorization, monkeypatch):
    raw = authorization.split()[1].encode()
    token = AccessToken(raw)
    verified_tokens.add(raw, token)
    assert verified_tokens.get(raw) is token

    expired = token["exp"] + 1
    monkeypatch.setattr(time, "time", lambda: expired)

    assert verified_tokens.get(raw) is None


@pytest.fixture
def refresh(api_client, tokens):
    """Return a function that refreshes the token pair's refresh token."""

    def call():
        return api_client.post(
            "/api/token/refresh/", {"refresh": tokens["refresh"]}, format="json"
        )

    return call


def test_refresh_reads_a_known_user_from_the_cache(hello, refresh):
    user_table = get_user_model()._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        assert refresh().status_code == 200

    assert [q["sql"] for q in queries if f'FROM "{user_table}"' in q["sql"]] == []


def test_refresh_refuses_a_deactivated_user_at_once(hello, refresh, user):
    user.is_active = False
    user.save()

    assert refresh().status_code == 401


def test_refresh_trusts_a_known_user_within_the_delay(hello, refresh, user):
    deactivate_behind_the_orms_back(user)

    assert refresh().status_code == 200


def test_refresh_sees_a_change_the_signals_miss_after_the_delay(
    hello, refresh, user, later
):
    deactivate_behind_the_orms_back(user)
    later(DELAY)

    assert refresh().status_code == 401


def test_refresh_confirms_a_refusal_with_the_database(refresh, user):
    deactivate_behind_the_orms_back(user)
    assert refresh().status_code == 401  # Read from the database, and remembered.
    get_user_model().objects.filter(pk=user.pk).update(is_active=True)

    # The remembered user would refuse; the database, read again, does not.
    assert refresh().status_code == 200


# A shared cache that hangs ----------------------------------------------------------


@contextmanager
def silent_redis(settings):
    """Point the shared cache at a server that accepts connections and never answers.

    Configured as base.py configures Redis. Yield the list of connections the
    server accepted: a client whose command timed out connects again for the
    next one, so it counts the commands sent.
    """
    connections = []
    server = socket.create_server(("127.0.0.1", 0))

    def accept():
        while True:
            try:
                connections.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    reachable = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.getsockname()[1]}/0",
            "OPTIONS": base.REDIS_CACHE_OPTIONS,
        },
    }
    try:
        yield connections
    finally:
        settings.CACHES = reachable
        server.close()
        for connection in connections:
            connection.close()


def test_a_cache_that_never_answers_is_asked_once_per_pause(
    hello, user, later, settings
):
    with silent_redis(settings) as connections:
        for _ in range(5):
            later(POLL_SECONDS)
            assert hello().status_code == 200
        # One command timed out; the polls of every request since skipped the cache.
        assert len(connections) == 1

        deactivate_behind_the_orms_back(user)
        later(POLL_SECONDS)
        # Meanwhile nothing that may be stale is trusted: the user is read again.
        assert hello().status_code == 401

        later(CACHE_PAUSE_SECONDS)
        hello()
        assert len(connections) == 2


def test_the_redis_cache_gives_up_within_a_second():
    assert base.REDIS_CACHE_OPTIONS["socket_connect_timeout"] <= 1
    assert base.REDIS_CACHE_OPTIONS["socket_timeout"] <= 1
