"""``manage.py create_database``: create the PostgreSQL database when it is missing.

``CREATE DATABASE`` is sent through the server's ``postgres`` database, as the
user of ``DATABASE_URL``; it needs that user to have the ``CREATEDB`` right.
Running it again is safe: an existing database is left alone.
"""

from argparse import ArgumentParser
from typing import Any

import psycopg
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql


def create_database(connection: BaseDatabaseWrapper) -> bool:
    """Create the database of ``connection`` unless it exists; return True if it was created.

    Any other connection error (server down, wrong password) is raised as it is.
    """
    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
    else:
        return False
    params = {**connection.get_connection_params(), "dbname": "postgres"}
    with psycopg.connect(**params, autocommit=True) as server:
        server.execute(
            sql.SQL("CREATE DATABASE {}").format(
                sql.Identifier(connection.settings_dict["NAME"])
            )
        )
    return True


class Command(BaseCommand):
    help = "Create the PostgreSQL database named in the settings when it is missing."
    requires_system_checks = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections)
        )

    def handle(self, *args: str, **options: Any) -> None:
        connection = connections[options["database"]]
        name = connection.settings_dict["NAME"]
        if create_database(connection):
            self.stdout.write(f"Database: created {name}.")
        else:
            self.stdout.write(f"Database: {name} exists.")
