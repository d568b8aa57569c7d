"""``manage.py prune_security_events``: delete security events past their retention."""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand

from {{ cookiecutter.project_slug }}.security_events.cleanup import (
    DEFAULT_BATCH_SIZE,
    delete_old_events,
)


class Command(BaseCommand):
    help = (
        "Delete the security events older than SECURITY_EVENT_RETENTION_DAYS, "
        "in batches. Schedule it (compose's cleanup service, cron or a "
        "Kubernetes CronJob; see the README)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows deleted per transaction (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        deleted = delete_old_events(batch_size)
        self.stdout.write(f"Deleted {deleted} security events.")
