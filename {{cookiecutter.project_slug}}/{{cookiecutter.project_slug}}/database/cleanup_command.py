"""The shape of a cleanup command: ``--batch-size``, then one line of what went."""

from argparse import ArgumentParser, ArgumentTypeError

from django.core.management.base import BaseCommand

from .batches import DEFAULT_BATCH_SIZE


def positive_integer(value: str) -> int:
    """Return ``value`` as an integer of at least 1; raise ArgumentTypeError otherwise."""
    number = int(value)
    if number < 1:
        message = f"{value} is not a positive integer"
        raise ArgumentTypeError(message)
    return number


class CleanupCommand(BaseCommand):
    """A command that deletes in batches (``delete``) and says how many of each kind."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=positive_integer,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows deleted per transaction (default {DEFAULT_BATCH_SIZE}).",
        )

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        deleted = self.delete(batch_size)
        summary = ", ".join(f"{count} {what}" for what, count in deleted.items())
        self.stdout.write(f"Deleted {summary}.")

    def delete(self, batch_size: int) -> dict[str, int]:
        """Delete, ``batch_size`` rows per transaction; return the count of each kind."""
        raise NotImplementedError
