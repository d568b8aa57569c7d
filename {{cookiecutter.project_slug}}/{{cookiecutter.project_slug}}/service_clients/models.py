"""A service client: another service that obtains access tokens with its own credentials."""

import secrets

from django.db import models

SCOPE_SEPARATOR = " "


def new_client_id() -> str:
    """Return a new client id: random, so that ids say nothing of each other."""
    return secrets.token_hex(12)


class ServiceClient(models.Model):
    """A client of the client credentials grant (RFC 6749, section 4.4).

    Its secret is stored as a keyed hash only (``credentials.py``); its tokens
    may carry the scopes listed here, no others.
    """

    client_id = models.CharField(
        primary_key=True, max_length=64, default=new_client_id, editable=False
    )
    name = models.CharField(max_length=150, unique=True)
    # Space-separated, as the scope parameter (RFC 6749, section 3.3).
    scope = models.CharField(max_length=1000, blank=True)
    secret_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(
        default=True, help_text="Unticked: no new token, and its tokens are refused."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def scopes(self) -> frozenset[str]:
        """Return the scopes this client may ask for."""
        return frozenset(self.scope.split())
