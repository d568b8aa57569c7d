"""``manage.py rotate_jwt_key``: sign new tokens with a new key, keep verifying the old ones.

See ``issuer/rotation.py`` for where the keys go, and the README for
rotating keys kept in the environment of a production host or container.
"""

from argparse import ArgumentParser
from datetime import UTC, datetime
from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    previous_keys_dir,
    retired_keys_lifetime,
)

from ...rotation import RotationError, prune_previous_keys, rotate_signing_key


class Command(BaseCommand):
    help = (
        "Make a new JWT signing key; the previous one keeps verifying until its "
        "tokens expire. Then delete retired keys whose tokens have all expired."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Only delete retired keys whose tokens have all expired.",
        )

    def handle(self, *args: object, prune: bool, **options: object) -> None:
        base_dir = Path(settings.BASE_DIR)
        previous_dir = previous_keys_dir(environ.Env(), base_dir)
        lifetime = retired_keys_lifetime(settings.SIMPLE_JWT)
        now = datetime.now(tz=UTC)
        if not prune:
            algorithm = settings.SIMPLE_JWT["ALGORITHM"]
            try:
                rotation = rotate_signing_key(
                    algorithm, base_dir=base_dir, previous_dir=previous_dir, now=now
                )
            except RotationError as error:
                raise CommandError(str(error)) from None
            until = (now + lifetime).strftime("%Y-%m-%d %H:%M UTC")
            self.stdout.write(
                f"New {algorithm} signing key {rotation.new_kid}. The previous key "
                f"{rotation.old_kid} keeps verifying until {until} "
                f"({shown(rotation.retired_file, base_dir)}). Restart or "
                "reload the service to sign with the new key."
            )
        for path in prune_previous_keys(previous_dir, lifetime, now):
            self.stdout.write(
                f"Deleted {shown(path, base_dir)}: its tokens have expired."
            )


def shown(path: Path, base_dir: Path) -> Path:
    """Return ``path`` relative to the project when it is inside it."""
    return path.relative_to(base_dir) if path.is_relative_to(base_dir) else path
