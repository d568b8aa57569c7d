from django.conf import settings
from django.db import models


class LoginChallenge(models.Model):
    """The password step of a login, waiting for its second factor (``challenges.py``).

    The client holds the ``mfa_token``; only its SHA-256 digest is stored.
    It works once, until ``expires_at``, for as long as the user keeps the
    password it was issued for, and dies after ``MFA_TOKEN_MAX_FAILURES``
    wrong codes. Kept in the database, not the cache: every worker sees
    one state, and a lost cache cannot revive a spent token.
    """

    class Purpose(models.TextChoices):
        # A user with a second factor: the code finishes the login.
        LOGIN = "login", "Login"
        # Staff without one (MFA_REQUIRED_FOR_STAFF): the token only enrols.
        ENROLMENT = "enrolment", "Enrolment"

    digest = models.CharField(max_length=64, unique=True)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    password_stamp = models.CharField(max_length=64)
    failures = models.PositiveSmallIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
    spent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Login challenge of user {self.user_id}"
