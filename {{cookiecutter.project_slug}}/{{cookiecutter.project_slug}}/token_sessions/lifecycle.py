"""Start, refresh and end sessions.

A session ends by logout, by ``DELETE /api/sessions/<id>/``, by logout-all,
when its refresh token is reused (``reuse.py``), and when its user gets a new
password or is deactivated (``signals.py``). Ending marks the row: the
refresh endpoint reads it, so the session's refresh tokens are refused at
once; its newest refresh token is also blacklisted, so ``/api/token/verify/``
refuses it; its access tokens are refused by every worker within about a
second (``ended.py``).
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.db.models.options import Options
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.request import Request
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import (
    BlacklistedToken,
    OutstandingToken,
)
from rest_framework_simplejwt.tokens import RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch

from {{ cookiecutter.project_slug }}.issuer.serializers import (
    column as column_of,
)
from {{ cookiecutter.project_slug }}.issuer.serializers import (
    field_of,
    prepared,
    record_outstanding,
    statement,
)
from {{ cookiecutter.project_slug }}.jwt_auth import password_stamp
from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
from {{ cookiecutter.project_slug }}.throttling.throttles import client_address
from {{ cookiecutter.project_slug }}.users.models import User

from .ended import ended_sessions, sessions_ended
from .models import SESSION_CLAIM, Session

logger = logging.getLogger(__name__)

USER_AGENT_LENGTH = Session._meta.get_field("user_agent").max_length
REFRESH_RECORD_INTERVAL = timedelta(seconds=60)


def client_of(request: HttpRequest | None) -> tuple[str, str]:
    """Return the client address (as the throttles see it) and user agent of ``request``."""
    if request is None:
        return "", ""
    agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH]
    return client_address(request), agent


def start_session(
    user: User, refresh: RefreshToken, request: HttpRequest | None
) -> Session:
    """Start a session for ``refresh``, just made for ``user``; name it in the token; record both.

    The session's id is chosen before anything is written, so that the token
    is signed once and recorded with its ``sid``: the session and the
    token's outstanding entry are two INSERTs of one transaction.
    """
    address, agent = client_of(request)
    session = Session(
        user=user,
        created_at=timezone.now(),
        expires_at=datetime_from_epoch(refresh["exp"]),
        client_address=address,
        user_agent=agent,
        password_fingerprint=refresh.get(password_stamp.CLAIM, ""),
        refresh_jti=refresh[api_settings.JTI_CLAIM],
    )
    refresh[SESSION_CLAIM] = str(session.pk)
    signed = str(refresh)
    # No savepoint inside a login's transaction (issuer/serializers.py).
    with transaction.atomic(savepoint=False):
        session.save(force_insert=True)
        record_outstanding(refresh, user, signed)
    return session


@dataclass(frozen=True)
class SessionState:
    """What a refresh without rotation needs to know of the session its token names."""

    id: str
    ended: bool
    # Its last refresh was recorded within REFRESH_RECORD_INTERVAL, from this client.
    recorded_recently: bool


def session_of(
    token: Token, request: HttpRequest | None
) -> tuple[SessionState | None, bool]:
    """Return the state of the session ``token`` names, and whether the token is blacklisted.

    One query for both; ``(None, False)`` when the session is not found (the
    token's blacklist entry unread then). Written out once, not built by the
    ORM at every refresh: compiling the query cost more than running it. The
    database compares the session's columns itself: loading them into a
    ``Session`` (converters, then the model's ``__init__``) cost as much as
    the query.
    """
    connection = connections[router.db_for_read(Session)]
    session_id = token.get(SESSION_CLAIM)
    address, agent = client_of(request)
    recently = {
        "refreshed_at": timezone.now() - REFRESH_RECORD_INTERVAL,
        "client_address": address,
        "user_agent": agent,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            statement(connection, session_query),
            [
                *prepared(Session._meta, recently, connection),
                token[api_settings.JTI_CLAIM],
                Session._meta.pk.get_db_prep_value(session_id, connection),
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None, False
    ended, recorded_recently, blacklisted = row
    state = SessionState(str(session_id), bool(ended), bool(recorded_recently))
    return state, bool(blacklisted)


def session_query(connection: BaseDatabaseWrapper) -> str:
    """Return the SQL of ``session_of`` for ``connection``'s database."""
    quote = connection.ops.quote_name
    sessions, outstanding = Session._meta, OutstandingToken._meta
    blacklisted = BlacklistedToken._meta

    def column(meta: Options, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(column_of(meta, name))}"

    # Only quoted identifiers are formatted in; the values are parameters.
    # A NULL refreshed_at makes the comparison NULL: not recorded recently.
    return (
        f"SELECT {column(sessions, 'ended_at')} IS NOT NULL, "  # noqa: S608
        f"{column(sessions, 'refreshed_at')} > %s "
        f"AND {column(sessions, 'client_address')} = %s "
        f"AND {column(sessions, 'user_agent')} = %s, "
        f"EXISTS (SELECT 1 FROM {quote(blacklisted.db_table)} "
        f"INNER JOIN {quote(outstanding.db_table)} "
        f"ON {column(blacklisted, 'token')} = {column(outstanding, 'id')} "
        f"WHERE {column(outstanding, 'jti')} = %s) "
        f"FROM {quote(sessions.db_table)} "
        f"WHERE {column(sessions, 'id')} = %s"
    )


def record_rotation(
    session_id: str,
    presented: str,
    rotated: RefreshToken,
    request: HttpRequest | None,
) -> bool:
    """Record that the token ``presented`` was rotated into ``rotated``.

    Return False when the session has ended (then nothing is recorded): one
    UPDATE both checks and records, so rotation reads no session beforehand.
    Written out once, not built by the ORM at every rotation (``session_of``).
    """
    address, agent = client_of(request)
    now = timezone.now()
    values = {
        "refreshed_at": now,
        "client_address": address,
        "user_agent": agent,
        "refresh_jti": rotated[api_settings.JTI_CLAIM],
        "previous_jti": presented,
        "rotated_at": now,
        "expires_at": datetime_from_epoch(rotated["exp"]),
        "id": session_id,
    }
    connection = connections[router.db_for_write(Session)]
    with connection.cursor() as cursor:
        cursor.execute(
            statement(connection, rotation_update),
            prepared(Session._meta, values, connection),
        )
        return cursor.rowcount == 1


def rotation_update(connection: BaseDatabaseWrapper) -> str:
    """Return the UPDATE of ``record_rotation`` for ``connection``'s database."""
    quote = connection.ops.quote_name
    meta = Session._meta
    names = (
        "refreshed_at",
        "client_address",
        "user_agent",
        "refresh_jti",
        "previous_jti",
        "rotated_at",
        "expires_at",
    )
    assignments = ", ".join(f"{quote(column_of(meta, name))} = %s" for name in names)
    # Only quoted identifiers are formatted in; the values are parameters.
    return (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(column_of(meta, 'id'))} = %s "
        f"AND {quote(column_of(meta, 'ended_at'))} IS NULL"
    )


def rotate_at_once(
    presented: RefreshToken,
    rotated: RefreshToken,
    signed: str,
    request: HttpRequest | None,
) -> bool:
    """Claim ``presented``, record ``rotated`` (signed as ``signed``) and the session, at once.

    On PostgreSQL, one statement that commits itself: one round trip where
    a transaction of three writes took five. True when all three were
    written; otherwise nothing was (the session has ended, the token was
    used up or has no outstanding entry, or this is another database), and
    the caller takes the slow path, whose answers tell those apart.

    The session row is locked before the token is claimed, as
    ``end_sessions`` locks it before blacklisting: an ending session and a
    rotation wait for each other, never deadlock.
    """
    session_id = presented.get(SESSION_CLAIM)
    connection = connections[router.db_for_write(Session)]
    if session_id is None or connection.vendor != "postgresql":
        return False
    address, agent = client_of(request)
    now = timezone.now()
    claim = {"blacklisted_at": now}
    claimed = {"jti": presented[api_settings.JTI_CLAIM]}
    outstanding = {
        "user": rotated.get(api_settings.USER_ID_CLAIM),
        "jti": rotated[api_settings.JTI_CLAIM],
        "token": signed,
        "created_at": rotated.current_time,
        "expires_at": datetime_from_epoch(rotated["exp"]),
    }
    session = {
        "refreshed_at": now,
        "client_address": address,
        "user_agent": agent,
        "refresh_jti": rotated[api_settings.JTI_CLAIM],
        "previous_jti": claimed["jti"],
        "rotated_at": now,
        "expires_at": datetime_from_epoch(rotated["exp"]),
    }
    # In the statement's order: the session, the claim, the token claimed,
    # the new token, the session's new values.
    parameters = [
        *prepared(Session._meta, {"id": session_id}, connection),
        *prepared(BlacklistedToken._meta, claim, connection),
        *prepared(OutstandingToken._meta, claimed, connection),
        *prepared(OutstandingToken._meta, outstanding, connection),
        *prepared(Session._meta, session, connection),
    ]
    with connection.cursor() as cursor:
        cursor.execute(statement(connection, rotation_statement), parameters)
        row = cursor.fetchone()
    return row is not None and bool(row[0])


def rotation_statement(connection: BaseDatabaseWrapper) -> str:
    """Return the SQL of ``rotate_at_once`` (PostgreSQL's data-modifying WITH)."""
    quote = connection.ops.quote_name
    sessions, outstanding = Session._meta, OutstandingToken._meta
    blacklisted = BlacklistedToken._meta

    def name(meta: Options, field: str) -> str:
        return quote(column_of(meta, field))

    def typed(meta: Options, field: str) -> str:
        # A parameter selected (not assigned) needs its column's type.
        return f"CAST(%s AS {field_of(meta, field).db_type(connection)})"

    recorded = ("user", "jti", "token", "created_at", "expires_at")
    updated = (
        "refreshed_at",
        "client_address",
        "user_agent",
        "refresh_jti",
        "previous_jti",
        "rotated_at",
        "expires_at",
    )
    session_id = name(sessions, "id")
    # Only quoted identifiers are formatted in; the values are parameters.
    # Each step runs only if the one before it did: all or nothing.
    return (
        f"WITH live AS (SELECT {session_id} FROM {quote(sessions.db_table)} "  # noqa: S608
        f"WHERE {session_id} = %s AND {name(sessions, 'ended_at')} IS NULL "
        "FOR UPDATE), "
        f"claimed AS (INSERT INTO {quote(blacklisted.db_table)} "
        f"({name(blacklisted, 'token')}, {name(blacklisted, 'blacklisted_at')}) "
        f"SELECT {name(outstanding, 'id')}, %s FROM {quote(outstanding.db_table)} "
        f"WHERE {name(outstanding, 'jti')} = %s AND EXISTS (SELECT 1 FROM live) "
        f"ON CONFLICT DO NOTHING RETURNING {name(blacklisted, 'token')}), "
        f"recorded AS (INSERT INTO {quote(outstanding.db_table)} "
        f"({', '.join(name(outstanding, field) for field in recorded)}) "
        f"SELECT {', '.join(typed(outstanding, field) for field in recorded)} "
        "FROM claimed "
        f"RETURNING {name(outstanding, 'id')}), "
        f"updated AS (UPDATE {quote(sessions.db_table)} "
        f"SET {', '.join(f'{name(sessions, field)} = %s' for field in updated)} "
        f"WHERE {session_id} IN (SELECT {session_id} FROM live) "
        "AND EXISTS (SELECT 1 FROM recorded) "
        f"RETURNING {session_id}) "
        "SELECT EXISTS (SELECT 1 FROM updated)"
    )


def record_refresh(session: SessionState, request: HttpRequest | None) -> None:
    """Record a refresh of ``session`` without rotation.

    At most once per ``REFRESH_RECORD_INTERVAL`` from one client: a list's
    "last refreshed" needs no more, and a write per refresh would serialize
    refreshes on SQLite.
    """
    if session.recorded_recently:
        return
    address, agent = client_of(request)
    Session.objects.filter(pk=session.id, ended_at=None).update(
        refreshed_at=timezone.now(), client_address=address, user_agent=agent
    )


def end_sessions(
    sessions: QuerySet[Session],
    reason: str,
    request: HttpRequest | Request | None = None,
) -> int:
    """End the live sessions of ``sessions``; return how many ended.

    Their newest refresh tokens are blacklisted; every worker refuses their
    access tokens once the transaction commits (``ended.py``). Each end is a
    security event (a reuse is one of its own kind), of the client of
    ``request`` when a request ended it.
    """
    now = timezone.now()
    with transaction.atomic():
        ending = list(
            sessions.filter(ended_at=None)
            .select_for_update()
            .values_list("pk", "refresh_jti", "user_id")
        )
        if not ending:
            return 0
        ids = [session_id for session_id, _jti, _user_id in ending]
        Session.objects.filter(pk__in=ids).update(ended_at=now, end_reason=reason)
        blacklist([jti for _session_id, jti, _user_id in ending])
        # This worker refuses them at once; the others once this commits.
        ended_sessions.add(map(str, ids), now)
        transaction.on_commit(sessions_ended.publish, robust=True)
        record_ends(ending, reason, request)
    return len(ending)


def record_ends(
    ended: Sequence[tuple[object, str, object]],
    reason: str,
    request: HttpRequest | Request | None,
) -> None:
    """Record a security event for each session of ``ended`` (id, jti, user id)."""
    users = User.objects.in_bulk({user_id for _pk, _jti, user_id in ended})
    kind = Kind.REFRESH_TOKEN_REUSED if reason == "reuse" else Kind.SESSION_ENDED
    for session_id, _jti, user_id in ended:
        record(
            kind,
            request=request,
            user=users.get(user_id),
            session=str(session_id),
            reason=reason,
        )


def end_session_of(
    token: Token, reason: str, request: HttpRequest | Request | None = None
) -> int:
    """End the session ``token`` belongs to, if it has one; return 1 if it ended."""
    session_id = token.get(SESSION_CLAIM)
    if session_id is None:
        return 0
    return end_sessions(Session.objects.filter(pk=session_id), reason, request)


def blacklist(jtis: list[str]) -> None:
    """Blacklist the outstanding tokens ``jtis`` that are not blacklisted yet."""
    outstanding = OutstandingToken.objects.filter(
        jti__in=jtis, blacklistedtoken__isnull=True
    ).values_list("pk", flat=True)
    BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token_id=pk) for pk in outstanding], ignore_conflicts=True
    )
