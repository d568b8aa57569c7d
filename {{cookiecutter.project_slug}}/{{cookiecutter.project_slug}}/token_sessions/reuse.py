"""Refresh token reuse detection, and the grace a client that lost an answer gets.

With rotation and ``BLACKLIST_AFTER_ROTATION``, a refresh token works once.
RFC 9700 (OAuth 2.0 Security Best Current Practice) §4.14.2: when a rotated
refresh token is presented again, either the legitimate client or an attacker
holds a copy, and the server cannot tell which; so it ends the whole family
(here: the session), the newest token included, and logs a security event.

A client whose refresh reached the server but whose answer was lost (a
timeout, a dropped connection, a mobile network switch) retries with the same
token; ending its session would log it out for a network fault. The grace
rule: the token that was *just* rotated (the session's ``previous_jti``),
presented again within ``GRACE_SECONDS`` of that rotation from the same
client (address and user agent of the rotating request), is answered with the
same new refresh token the rotation issued, as long as that one is unused,
and a new access token. Nothing is rotated twice: the family still has one
live refresh token, now known to whoever retried.

Why this keeps RFC 9700's guarantee: detection relies on two parties holding
one family, one of them presenting a token the other used. After a replay,
both the first answer's receiver and the retrier hold the same newest token;
whichever uses it second presents a rotated token and ends the session, so a
thief who replays within the grace is still detected, one refresh later. To
get a replay at all the thief needs the token within seconds of its
rotation, from the victim's address with the victim's user agent. Anything
else (an older token, later, from another client, or after the new token was
used) ends the session at once.

Logout with a used-up token of a live session ends the session too
(``end_by_logout``): from its own client, as a logout; from another client,
as a reuse. RFC 7009 (token revocation) §2.2 asks the same of the answer:
200 once the token's family is revoked.
"""

import logging
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from .conf import token_sessions_settings
from .lifecycle import client_of, end_sessions
from .models import SESSION_CLAIM, Session

logger = logging.getLogger(__name__)


def grace_seconds() -> float:
    """Return how long after a rotation its token may be retried (``JWT_REFRESH_GRACE_SECONDS``)."""
    return token_sessions_settings.JWT_REFRESH_GRACE_SECONDS


def replay_or_end(refresh: RefreshToken, request: HttpRequest | None) -> str | None:
    """Answer a refresh token presented after it was used up.

    Return the session's newest refresh token when the grace rule allows a
    replay. Otherwise return None, after ending the session when this is a
    reuse (not a logout's token, not a refresh racing its twin from the same
    client).
    """
    session = Session.objects.filter(pk=refresh.get(SESSION_CLAIM)).first()
    if session is None or session.ended_at is not None:
        return None
    presented = refresh[api_settings.JTI_CLAIM]
    same_client = is_same_client(session, request)
    if same_client and presented == session.refresh_jti:
        # A twin request is rotating this very token right now.
        return None
    if same_client and is_just_rotated(session, presented):
        newest = (
            OutstandingToken.objects.filter(
                jti=session.refresh_jti, blacklistedtoken__isnull=True
            )
            .values_list("token", flat=True)
            .first()
        )
        if newest is not None:
            return newest
    end_for_reuse(session, request)
    return None


def end_by_logout(refresh: RefreshToken, request: HttpRequest | None) -> bool:
    """End the live session of a used-up refresh token presented to logout.

    Return True if the session ended. From the session's client it is a
    logout with a token the client still held (an answer to its refresh was
    lost, or it kept the old token): the session ends, as the client asks.
    From another client it is a reuse, as on refresh. Except while a refresh
    of the same client is rotating the token, or has just rotated it (the
    grace): the two requests raced and the refresh won; the client holds its
    new token, and the logout is refused as it would be had it come second.
    """
    session = Session.objects.filter(pk=refresh.get(SESSION_CLAIM)).first()
    if session is None or session.ended_at is not None:
        return False
    presented = refresh[api_settings.JTI_CLAIM]
    if is_same_client(session, request):
        if presented == session.refresh_jti or is_just_rotated(session, presented):
            return False
        ended = end_sessions(
            Session.objects.filter(pk=session.pk), reason="logout", request=request
        )
        return ended == 1
    return end_for_reuse(session, request)


def is_same_client(session: Session, request: HttpRequest | None) -> bool:
    """Return True if ``request`` comes from the client that last used ``session``."""
    return client_of(request) == (session.client_address, session.user_agent)


def is_just_rotated(session: Session, presented: str) -> bool:
    """Return True if ``presented`` was rotated into the newest token within the grace."""
    if presented != session.previous_jti or session.rotated_at is None:
        return False
    return timezone.now() - session.rotated_at <= timedelta(seconds=grace_seconds())


def end_for_reuse(session: Session, request: HttpRequest | None) -> bool:
    """End ``session`` because a used-up token of it came back; return True if it ended."""
    ended = end_sessions(
        Session.objects.filter(pk=session.pk), reason="reuse", request=request
    )
    if ended:
        logger.warning(
            "Refresh token reuse: ended session %s of user %s (client %s)",
            session.pk,
            session.user_id,
            client_of(request)[0] or "unknown",
        )
    return ended == 1
