"""``manage.py list_service_clients``: every client, its scopes and whether it is active."""

from typing import Any

from django.core.management.base import BaseCommand

from ...models import ServiceClient


class Command(BaseCommand):
    help = "List the service clients: id, name, active or disabled, scopes."

    def handle(self, *args: Any, **options: Any) -> None:
        for client in ServiceClient.objects.all():
            state = "active" if client.is_active else "disabled"
            self.stdout.write(
                f"{client.client_id}\t{client.name}\t{state}\t{client.scope}"
            )
