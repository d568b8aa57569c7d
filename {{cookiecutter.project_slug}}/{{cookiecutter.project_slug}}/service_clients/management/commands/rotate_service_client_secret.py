"""``manage.py rotate_service_client_secret CLIENT_ID``: a new secret, printed once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...models import ServiceClient
from ...secrets_rotation import rotate_secret


class Command(BaseCommand):
    help = (
        "Give a service client a new secret (the old one stops working at once); "
        "print it, shown only now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id")

    def handle(self, *args: Any, **options: Any) -> None:
        client = ServiceClient.objects.filter(client_id=options["client_id"]).first()
        if client is None:
            message = f"No service client has the id {options['client_id']!r}."
            raise CommandError(message)
        secret = rotate_secret(client)
        self.stdout.write(f"client_id={client.client_id}")
        self.stdout.write(f"client_secret={secret}")
