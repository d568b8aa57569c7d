"""``manage.py rotate_jwt_key``: sign new tokens with a new key, keep verifying the old ones.

A new key pair is published at once and signs ``JWT_KEY_PUBLISH_SECONDS``
later. See ``issuer/rotation.py`` for where the keys go, and the README for
rotating keys kept in the environment of a production host or container.
"""

from argparse import ArgumentParser
from datetime import UTC, datetime, timedelta
from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.jwt_keys.loading import (
    next_keys_dir,
    previous_keys_dir,
    retired_keys_lifetime,
)
from {{ cookiecutter.project_slug }}.security_events.events import Kind, record

from ...conf import issuer_settings
from ...rotation import (
    KeyFolders,
    Rotation,
    RotationError,
    prune_next_keys,
    prune_previous_keys,
    rotate_signing_key,
)

TIME_FORMAT = "%Y-%m-%d %H:%M:%S UTC"


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
        env = environ.Env()
        previous_dir = previous_keys_dir(env, base_dir)
        next_dir = next_keys_dir(env, base_dir)
        lifetime = retired_keys_lifetime(settings.SIMPLE_JWT)
        now = datetime.now(tz=UTC)
        if not prune:
            algorithm = settings.SIMPLE_JWT["ALGORITHM"]
            try:
                rotation = rotate_signing_key(
                    algorithm,
                    KeyFolders(base_dir, previous_dir, next_dir),
                    publish_for=timedelta(
                        seconds=issuer_settings.JWT_KEY_PUBLISH_SECONDS
                    ),
                    now=now,
                )
            except RotationError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(report(algorithm, rotation, base_dir, now + lifetime))
            record(
                Kind.SIGNING_KEY_ROTATED,
                algorithm=algorithm,
                new_kid=rotation.new_kid,
                old_kid=rotation.old_kid,
                signs_from=rotation.not_before.isoformat()
                if rotation.not_before
                else None,
            )
        expired = prune_previous_keys(previous_dir, lifetime, now)
        for path in expired + prune_next_keys(next_dir, lifetime, now):
            self.stdout.write(
                f"Deleted {shown(path, base_dir)}: its tokens have expired."
            )


def report(algorithm: str, rotation: Rotation, base_dir: Path, until: datetime) -> str:
    """Return what ``rotation`` did, and what happens next."""
    retired = ""
    if rotation.retired_file is not None:
        retired = f" ({shown(rotation.retired_file, base_dir)})"
    if rotation.not_before is None:
        return (
            f"New {algorithm} signing key {rotation.new_kid}. The previous key "
            f"{rotation.old_kid} keeps verifying until {until.strftime(TIME_FORMAT)}"
            f"{retired}. Restart or reload the service to sign with the new key."
        )
    lines = [
        f"New {algorithm} signing key {rotation.new_kid}: published in the JWKS "
        f"now, signs from {rotation.not_before.strftime(TIME_FORMAT)}; no restart needed.",
        f"The key {rotation.old_kid} signs until then.",
    ]
    if retired:
        lines[-1] = (
            f"The key {rotation.old_kid} signs until then; the one before it keeps "
            f"verifying until {until.strftime(TIME_FORMAT)}{retired}."
        )
    return "\n".join(lines)


def shown(path: Path, base_dir: Path) -> Path:
    """Return ``path`` relative to the project when it is inside it."""
    return path.relative_to(base_dir) if path.is_relative_to(base_dir) else path
