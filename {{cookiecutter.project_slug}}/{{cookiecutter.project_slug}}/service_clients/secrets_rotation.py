"""Make a client, or give it a new secret: the secret is returned once, never stored."""

from django.utils import timezone

from .credentials import new_secret, secret_hash
from .models import SCOPE_SEPARATOR, ServiceClient


def create_client(name: str, scopes: list[str]) -> tuple[ServiceClient, str]:
    """Return a new client named ``name`` with ``scopes``, and its secret."""
    secret = new_secret()
    client = ServiceClient.objects.create(
        name=name,
        scope=SCOPE_SEPARATOR.join(sorted(set(scopes))),
        secret_hash=secret_hash(secret),
    )
    return client, secret


def rotate_secret(client: ServiceClient) -> str:
    """Give ``client`` a new secret and return it; the old one stops working at once.

    Tokens granted with the old secret live on until they expire; disable the
    client to refuse them too.
    """
    secret = new_secret()
    client.secret_hash = secret_hash(secret)
    client.secret_rotated_at = timezone.now()
    client.save(update_fields=["secret_hash", "secret_rotated_at"])
    return secret
