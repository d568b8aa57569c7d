"""``manage.py disable_service_client CLIENT_ID``: no new token, its tokens refused everywhere."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...models import ServiceClient


class Command(BaseCommand):
    help = (
        "Disable a service client: it gets no new token, and every worker refuses "
        "its tokens within about a second (--enable: accept it again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("client_id")
        parser.add_argument(
            "--enable", action="store_true", help="Enable the client again."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        client = ServiceClient.objects.filter(client_id=options["client_id"]).first()
        if client is None:
            message = f"No service client has the id {options['client_id']!r}."
            raise CommandError(message)
        client.is_active = options["enable"]
        # save(): its signal announces the change to every worker.
        client.save(update_fields=["is_active"])
        state = "enabled" if client.is_active else "disabled"
        self.stdout.write(f"{client.client_id} {state}")
