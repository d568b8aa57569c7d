"""Record a security event: one row, and one JSON log line.

``record`` is the one entry point: other apps (token sessions, accounts,
key rotation) call it, and the receivers of ``receivers.py`` call it for
Django's login signals. Recording never fails the request that caused it:
a database error is logged and the request goes on (the log line is
written first, so the event is not lost). Nothing secret is written: detail
keys that name a secret are redacted, and the console handler redacts
anything shaped like a JWT as a safety net.
"""

import json
import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import DatabaseError, router, transaction
from django.http import HttpRequest
from django.utils import timezone
from rest_framework.request import Request

from {{ cookiecutter.project_slug }}.throttling.throttles import client_address
from {{ cookiecutter.project_slug }}.users.models import User

from .models import SecurityEvent

logger = logging.getLogger("{{ cookiecutter.project_slug }}.security")

Kind = SecurityEvent.Kind

LOGIN_NAME_LENGTH = SecurityEvent._meta.get_field("login_name").max_length or 254
USER_AGENT_LENGTH = SecurityEvent._meta.get_field("user_agent").max_length or 256
# Detail keys whose values are never written, whatever a caller passes.
SECRET_WORDS = ("password", "token", "secret", "key", "otp")
REDACTED = "[redacted]"


def record(
    kind: "SecurityEvent.Kind | str",
    *,
    request: HttpRequest | Request | None = None,
    user: User | AnonymousUser | None = None,
    login_name: str | None = None,
    **details: Any,
) -> SecurityEvent | None:
    """Record the event ``kind`` (a ``SecurityEvent.Kind``); return it, or None if unsaved.

    ``request`` gives the client address (as the throttles see it) and user
    agent; ``user`` the account (``login_name`` defaults to its login name);
    ``details`` anything else worth knowing, JSON-serializable, never a
    secret (a key naming one is redacted). A database error is logged, not
    raised: an audit record must not turn a request into an error.
    """
    account = user if isinstance(user, User) and user.pk is not None else None
    event = SecurityEvent(
        kind=Kind(kind),
        user=account,
        login_name=(login_name_of(user) if login_name is None else login_name)[
            :LOGIN_NAME_LENGTH
        ],
        client_address=client_address(request) if request is not None else "",
        user_agent=user_agent_of(request),
        details=without_secrets(details),
        created_at=timezone.now(),
    )
    logger.info(json_line(event))
    try:
        # A savepoint inside a caller's transaction: a failed INSERT leaves
        # that transaction usable.
        with transaction.atomic(using=router.db_for_write(SecurityEvent)):
            event.save(force_insert=True)
    except DatabaseError:
        logger.exception("Cannot save the security event %s", event.kind)
        return None
    return event


def login_name_of(user: User | AnonymousUser | None) -> str:
    """Return the login name of ``user``, or "" without one."""
    if user is None:
        return ""
    return str(user.get_username() or "")


def user_agent_of(request: HttpRequest | Request | None) -> str:
    """Return the request's User-Agent header, cut to the column's length."""
    if request is None:
        return ""
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_LENGTH]


def without_secrets(details: dict[str, Any]) -> dict[str, Any]:
    """Return ``details`` as JSON values, the value of every key naming a secret redacted.

    A value JSON cannot hold (a date, a UUID) becomes its text: the JSON
    column would refuse it, and recording must not fail.
    """
    redacted = {
        key: REDACTED if any(word in key.lower() for word in SECRET_WORDS) else value
        for key, value in details.items()
    }
    return json.loads(json.dumps(redacted, default=str))


def json_line(event: SecurityEvent) -> str:
    """Return ``event`` as one line of JSON, for log collectors."""
    return json.dumps(
        {
            "event": str(event.kind),
            "at": event.created_at.isoformat(),
            "user_id": event.user_id,
            "login_name": event.login_name,
            "client_address": event.client_address,
            "user_agent": event.user_agent,
            "details": event.details,
        },
        default=str,
        separators=(",", ":"),
    )
