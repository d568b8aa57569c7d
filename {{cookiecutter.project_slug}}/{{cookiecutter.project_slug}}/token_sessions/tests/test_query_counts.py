"""What a login, a refresh and an authenticated request cost the database.

The statements and commits of each, counted as served: no test transaction
around the request (``transaction=True``), on a worker that has met the user
already. A change that adds a query or a commit to these paths fails here; if
it is worth its cost, change the count and say why.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.users.models import User

from .session_requests import hello, login
from tests.helpers import refresh, token_part

pytestmark = pytest.mark.django_db(transaction=True)

# A WITH writes here: the rotation's single statement (lifecycle.rotate_at_once).
WRITES = ("INSERT", "UPDATE", "DELETE", "WITH")
{%- if cookiecutter.mfa == "totp" %}
# The user, by login name, and whether they have a TOTP device (mfa/login.py).
LOGIN_READS = 2
{%- else %}
# The user, by login name.
LOGIN_READS = 1
{%- endif %}


@dataclass
class Tally:
    """The reads and writes of the default database, and its commits."""

    reads: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    commits: int = 0


@contextmanager
def tally() -> Iterator[Tally]:
    """Count the statements and commits made inside the block.

    A write outside a transaction commits on its own (autocommit).
    """
    counts = Tally()

    def record(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb == "SELECT":
            counts.reads.append(sql)
        elif verb in WRITES:
            counts.writes.append(sql)
            if not connection.in_atomic_block:
                counts.commits += 1
        return execute(sql, params, many, context)

    commit = connection.commit

    def counted_commit() -> None:
        counts.commits += 1
        commit()

    connection.commit = counted_commit  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(record):
            yield counts
    finally:
        del connection.commit


def test_an_authenticated_request_reads_nothing(api_client, tokens):
    assert hello(api_client, tokens).status_code == 200

    with tally() as counts:
        assert hello(api_client, tokens).status_code == 200

    assert (counts.reads, counts.writes, counts.commits) == ([], [], 0)


def test_a_login_reads_the_user_and_writes_once(api_client, user):
    # The user's groups (the roles claim) are kept with the user once a
    # refresh has read them.
    assert refresh(api_client, login(api_client, user)["refresh"]).status_code == 200

    with tally() as counts:
        login(api_client, user)

    assert len(counts.reads) == LOGIN_READS, counts.reads
    # The session, its refresh token, the security event (and last_login).
    assert len(counts.writes) == 3 + api_settings.UPDATE_LAST_LOGIN, counts.writes
    assert counts.commits == 1


def test_a_refresh_costs_one_query_or_one_transaction(api_client, tokens):
    first = refresh(api_client, tokens["refresh"])
    assert first.status_code == 200, first.content
    token = first.json().get("refresh", tokens["refresh"])

    with tally() as counts:
        response = refresh(api_client, token)

    assert response.status_code == 200, response.content
    if api_settings.ROTATE_REFRESH_TOKENS and api_settings.BLACKLIST_AFTER_ROTATION:
        # The old token claimed, the new one recorded, the session updated:
        # one statement on PostgreSQL, three in one transaction elsewhere.
        assert counts.reads == []
        expected = 1 if connection.vendor == "postgresql" else 3
        assert len(counts.writes) == expected, counts.writes
        assert counts.commits == 1
    elif api_settings.ROTATE_REFRESH_TOKENS:
        # simplejwt's blacklist check; then the new token recorded and the
        # session updated, in one transaction.
        assert len(counts.reads) == 1, counts.reads
        assert len(counts.writes) == 2, counts.writes
        assert counts.commits == 1
    else:
        # The session with the token's blacklist entry; the last refresh is
        # recorded at most once a minute (lifecycle.record_refresh).
        assert len(counts.reads) == 1, counts.reads
        assert (counts.writes, counts.commits) == ([], 0)


def add_to_editors(user: User) -> None:
    user.groups.add(Group.objects.create(name="editors"))


def add_editors_by_group(user: User) -> None:
    Group.objects.create(name="editors").user_set.add(user)


def rename_group(user: User) -> None:
    group = Group.objects.get(name="staff")
    group.name = "editors"
    group.save()


def delete_group(user: User) -> None:
    Group.objects.get(name="staff").delete()


@pytest.mark.parametrize(
    ("change", "roles"),
    [
        (add_to_editors, ["editors", "staff"]),
        (add_editors_by_group, ["editors", "staff"]),
        (rename_group, ["editors"]),
        (delete_group, []),
    ],
)
def test_the_roles_kept_with_the_user_follow_a_change_of_groups(
    api_client, user, change, roles
):
    user.groups.add(Group.objects.create(name="staff"))
    tokens = login(api_client, user)
    first = refresh(api_client, tokens["refresh"])
    assert token_part(first.json()["access"], 1)["roles"] == ["staff"]

    change(user)
    response = refresh(api_client, first.json().get("refresh", tokens["refresh"]))

    assert response.status_code == 200, response.content
    assert token_part(response.json()["access"], 1)["roles"] == roles
