"""``manage.py create_service_client NAME --scope orders:read``: prints the id and secret once."""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...models import ServiceClient
from ...secrets_rotation import create_client

# RFC 6749, section 3.3: printable ASCII but space, quote and backslash.
SCOPE_TOKEN = re.compile(r"^[\x21\x23-\x5b\x5d-\x7e]+$")


def scope_token(value: str) -> str:
    """Return ``value`` if it is a scope token of RFC 6749; raise otherwise."""
    if not SCOPE_TOKEN.match(value):
        message = (
            f"{value!r} is not a scope (printable ASCII, no space, quote or backslash)."
        )
        raise CommandError(message)
    return value


class Command(BaseCommand):
    help = "Create a service client; print its client id and secret, shown only now."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="A name people recognise, unique.")
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            dest="scopes",
            help="A scope the client may ask for (repeat for more).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scopes = [scope_token(scope) for scope in options["scopes"]]
        if ServiceClient.objects.filter(name=options["name"]).exists():
            message = f"A service client named {options['name']!r} exists already."
            raise CommandError(message)
        client, secret = create_client(options["name"], scopes)
        self.stdout.write(f"client_id={client.client_id}")
        self.stdout.write(f"client_secret={secret}")
        self.stderr.write(
            "The secret is shown only now: store it where the client runs."
        )
