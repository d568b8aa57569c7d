"""The cleanup (``prune_tokens``) deletes what nobody can use, and nothing else."""

import itertools
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)

from {{ cookiecutter.project_slug }}.database.batches import Pacing, delete_in_batches
from {{ cookiecutter.project_slug }}.token_sessions.cleanup import delete_expired
from {{ cookiecutter.project_slug }}.token_sessions.ended import remembered_for
from {{ cookiecutter.project_slug }}.token_sessions.management.commands import (
    prune_tokens,
)
from {{ cookiecutter.project_slug }}.token_sessions.models import Session

from tests.helpers import logout, refresh, token_part

pytestmark = pytest.mark.django_db


def outstanding(user, jti, expires_in, *, blacklisted=False):
    now = timezone.now()
    token = OutstandingToken.objects.create(
        user=user,
        jti=jti,
        token="",
        created_at=now - timedelta(days=2),
        expires_at=now + expires_in,
    )
    if blacklisted:
        BlacklistedToken.objects.create(token=token)


def session(user, name, *, expires_in, ended_ago=None):
    now = timezone.now()
    return Session.objects.create(
        id=uuid.uuid5(uuid.NAMESPACE_URL, name),
        user=user,
        created_at=now - timedelta(days=2),
        expires_at=now + expires_in,
        refresh_jti=name,
        ended_at=None if ended_ago is None else now - ended_ago,
    )


def test_only_tokens_past_their_expiry_go_and_their_blacklist_entries_with_them(
    user,
):
    hour = timedelta(hours=1)
    outstanding(user, "expired", -hour)
    outstanding(user, "expired and blacklisted", -hour, blacklisted=True)
    outstanding(user, "expired a second ago", -timedelta(seconds=1))
    outstanding(user, "live", hour)
    outstanding(user, "live and blacklisted", hour, blacklisted=True)

    deleted = delete_expired(batch_size=2)

    assert deleted["outstanding tokens"] == 3
    assert set(OutstandingToken.objects.values_list("jti", flat=True)) == {
        "live",
        "live and blacklisted",
    }
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == [
        "live and blacklisted"
    ]


def test_a_logged_out_token_that_has_not_expired_stays_refused(api_client, tokens):
    logout(api_client, tokens["refresh"])

    call_command("prune_tokens", stdout=StringIO())

    jti = token_part(tokens["refresh"], 1)["jti"]
    assert BlacklistedToken.objects.filter(token__jti=jti).exists()
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_live_sessions_and_those_ended_within_an_access_lifetime_survive(user):
    day = timedelta(days=1)
    recently = remembered_for() - timedelta(seconds=30)
    long_ago = remembered_for() + timedelta(seconds=30)
    session(user, "live", expires_in=day)
    session(user, "ended recently", expires_in=day, ended_ago=recently)
    session(user, "ended long ago", expires_in=day, ended_ago=long_ago)
    session(user, "expired", expires_in=-timedelta(seconds=1))
    session(user, "expired and ended", expires_in=-day, ended_ago=day)

    deleted = delete_expired(batch_size=1)

    assert deleted["sessions"] == 3
    assert set(Session.objects.values_list("refresh_jti", flat=True)) == {
        "live",
        "ended recently",
    }


def test_every_batch_is_counted_to_the_last_row(user):
    for number in range(7):
        outstanding(user, f"expired {number}", -timedelta(hours=1))
        outstanding(user, f"live {number}", timedelta(hours=1), blacklisted=True)

    assert delete_expired(batch_size=3)["outstanding tokens"] == 7
    assert OutstandingToken.objects.count() == BlacklistedToken.objects.count() == 7


def test_rows_that_other_tables_reference_are_not_deleted_without_naming_them(user):
    outstanding(user, "expired", -timedelta(hours=1), blacklisted=True)

    with pytest.raises(ValueError, match="referenced"):
        delete_in_batches(OutstandingToken.objects.all(), batch_size=10)

    assert OutstandingToken.objects.count() == BlacklistedToken.objects.count() == 1


def test_the_command_says_what_it_deleted(user):
    outstanding(user, "expired", -timedelta(hours=1), blacklisted=True)
    output = StringIO()

    call_command("prune_tokens", "--batch-size", "1", stdout=output)

    assert output.getvalue().startswith("Deleted 1 outstanding tokens, 0 sessions, ")


@pytest.mark.parametrize("batch_size", ["0", "-5", "many"])
def test_a_batch_size_that_is_not_a_positive_integer_is_refused(batch_size):
    with pytest.raises(CommandError, match="batch-size"):
        call_command("prune_tokens", "--batch-size", batch_size)


def test_each_batch_is_followed_by_a_rest_as_many_times_as_long_as_it_took(user):
    for number in range(7):
        outstanding(user, f"expired {number}", -timedelta(hours=1))
    rests: list[float] = []
    # Every reading of the clock is a quarter of a second after the last.
    clock = itertools.count(step=0.25).__next__
    pacing = Pacing(pause=3, clock=clock, sleep=rests.append)

    deleted = delete_expired(batch_size=3, pacing=pacing)

    assert deleted["outstanding tokens"] == 7
    assert rests == [0.75, 0.75, 0.75]


def test_a_pause_of_zero_never_rests(user):
    outstanding(user, "expired", -timedelta(hours=1), blacklisted=True)
    rests: list[float] = []

    delete_expired(batch_size=1, pacing=Pacing(pause=0, sleep=rests.append))

    assert rests == []
    assert not OutstandingToken.objects.exists()


@pytest.mark.parametrize("pause", ["0", "0.5", "3"])
def test_the_command_takes_a_pause_of_zero_or_more(user, pause, monkeypatch):
    outstanding(user, "expired", -timedelta(hours=1))
    pacings: list[Pacing] = []

    def deleting(batch_size: int, pacing: Pacing) -> dict[str, int]:
        pacings.append(pacing)
        return delete_expired(batch_size, pacing)

    monkeypatch.setattr(prune_tokens, "delete_expired", deleting)
    call_command("prune_tokens", "--pause", pause, stdout=StringIO())

    assert not OutstandingToken.objects.exists()
    assert [pacing.pause for pacing in pacings] == [float(pause)]


@pytest.mark.parametrize("pause", ["-1", "many", "nan", "inf"])
def test_a_pause_that_is_not_a_finite_number_of_at_least_zero_is_refused(pause):
    message = f"argument --pause: {pause} is not a number of at least 0"

    with pytest.raises(CommandError, match=message):
        call_command("prune_tokens", "--pause", pause)
