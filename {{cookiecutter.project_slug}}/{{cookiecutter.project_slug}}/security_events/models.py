from django.conf import settings
from django.db import models
from django.utils import timezone


class SecurityEvent(models.Model):
    """Something that happened to an account, kept for audit (``events.record``).

    The row outlives its user (``user`` becomes NULL) and keeps the login
    name, so a deleted account's history can still be searched. ``details``
    never holds a secret: no password, token or link token.
    """

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", "Login succeeded"
        LOGIN_FAILED = "login_failed", "Login failed"
        REFRESH_TOKEN_REUSED = "refresh_token_reused", "Refresh token reused"
        SESSION_ENDED = "session_ended", "Session ended"
        SIGNED_UP = "signed_up", "Signed up"
        EMAIL_VERIFIED = "email_verified", "Email verified"
        PASSWORD_CHANGED = "password_changed", "Password changed"
        PASSWORD_RESET_REQUESTED = (
            "password_reset_requested",
            "Password reset requested",
        )
        PASSWORD_RESET = "password_reset", "Password reset"
        SIGNING_KEY_ROTATED = "signing_key_rotated", "Signing key rotated"
        MFA_CHALLENGED = "mfa_challenged", "Second factor asked for"
        MFA_CODE_REFUSED = "mfa_code_refused", "Second-factor code refused"
        MFA_ENABLED = "mfa_enabled", "Two-factor login enabled"
        MFA_DISABLED = "mfa_disabled", "Two-factor login disabled"
        RECOVERY_CODE_USED = "recovery_code_used", "Recovery code used"
        RECOVERY_CODES_RENEWED = "recovery_codes_renewed", "Recovery codes renewed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The login name given (a failed login may name no user), or the user's.
    login_name = models.CharField(max_length=254, blank=True, db_index=True)
    client_address = models.CharField(max_length=64, blank=True)
    user_agent = models.CharField(max_length=256, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.login_name or '-'} {self.created_at:%Y-%m-%d %H:%M:%S}"
