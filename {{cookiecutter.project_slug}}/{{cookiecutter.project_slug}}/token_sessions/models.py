"""A session: one login and the tokens descended from it (a token family)."""

import uuid

from django.conf import settings
from django.db import models

# The claim that names a token's session (as OpenID Connect names it).
SESSION_CLAIM = "sid"


class Session(models.Model):
    """One login of a user, from the first token pair to its end.

    Every token of the session carries its ``id`` (the ``sid`` claim). With
    rotation, ``refresh_jti`` is the newest refresh token of the family and
    ``previous_jti`` the one it replaced; without rotation, the login's.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="token_sessions",
    )
    created_at = models.DateTimeField()
    refreshed_at = models.DateTimeField(null=True, blank=True)
    # When the newest refresh token expires: after that nothing can use the session.
    expires_at = models.DateTimeField()
    # The client of the latest login or refresh, as the throttles see it.
    client_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    # The tokens' password claim: a new password ends the session.
    password_fingerprint = models.CharField(max_length=64, blank=True)
    refresh_jti = models.CharField(max_length=255)
    previous_jti = models.CharField(max_length=255, blank=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=32, blank=True)

    class Meta:
        indexes = [
            # The caller's sessions, and those a user change ends.
            models.Index(fields=["user", "ended_at"], name="token_sess_user_ended"),
            # What workers load (recently ended) and the cleanup deletes.
            models.Index(fields=["ended_at"], name="token_sess_ended"),
            models.Index(fields=["expires_at"], name="token_sess_expires"),
        ]

    def __str__(self) -> str:
        return f"Session {self.id} of user {self.user_id}"
