"""The shape of a cleanup command: ``--batch-size``, ``--pause``, then one line of what went."""

import math
from argparse import ArgumentParser, ArgumentTypeError

from django.core.management.base import BaseCommand

from .batches import DEFAULT_BATCH_SIZE, DEFAULT_PAUSE, Pacing


def positive_integer(value: str) -> int:
    """Return ``value`` as an integer of at least 1; raise ArgumentTypeError otherwise."""
    number = int(value)
    if number < 1:
        message = f"{value} is not a positive integer"
        raise ArgumentTypeError(message)
    return number


def pause_ratio(value: str) -> float:
    """Return ``value`` as a finite number of at least 0; raise ArgumentTypeError otherwise."""
    try:
        ratio = float(value)
    except ValueError:
        ratio = math.nan
    if not math.isfinite(ratio) or ratio < 0:
        message = f"{value} is not a number of at least 0"
        raise ArgumentTypeError(message)
    return ratio


class CleanupCommand(BaseCommand):
    """A command that deletes in batches (``delete``) and says how many of each kind."""

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=positive_integer,
            default=DEFAULT_BATCH_SIZE,
            help=f"Rows deleted per transaction (default {DEFAULT_BATCH_SIZE}).",
        )
        parser.add_argument(
            "--pause",
            type=pause_ratio,
            default=DEFAULT_PAUSE,
            help=(
                "Rest after each batch, as a multiple of the time the batch took "
                f"(default {DEFAULT_PAUSE:g}): the database keeps cores free for "
                "requests. 0 deletes at full speed."
            ),
        )

    def handle(
        self, *args: object, batch_size: int, pause: float, **options: object
    ) -> None:
        deleted = self.delete(batch_size, Pacing(pause))
        summary = ", ".join(f"{count} {what}" for what, count in deleted.items())
        self.stdout.write(f"Deleted {summary}.")

    def delete(self, batch_size: int, pacing: Pacing) -> dict[str, int]:
        """Delete, ``batch_size`` rows per transaction, resting as ``pacing`` says.

        Return the count of each kind.
        """
        raise NotImplementedError
