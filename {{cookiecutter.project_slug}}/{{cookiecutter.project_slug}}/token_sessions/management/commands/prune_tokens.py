"""``manage.py prune_tokens``: delete expired tokens, finished sessions, old security events."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from {{ cookiecutter.project_slug }}.token_sessions.cleanup import (
    DEFAULT_BATCH_SIZE,
    delete_expired,
)


class Command(BaseCommand):
    help = (
        "Delete expired outstanding tokens (with their blacklist entries), "
        "finished sessions and security events past their retention, in batches. Schedule it (compose's cleanup service, "
        "cron or a Kubernetes CronJob; see the README)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows deleted per transaction (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        deleted = delete_expired(batch_size)
        summary = ", ".join(f"{count} {what}" for what, count in deleted.items())
        self.stdout.write(f"Deleted {summary}.")
