"""Capture what the security events write: rows and log lines."""

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from {{ cookiecutter.project_slug }}.security_events.events import logger


class LinesHandler(logging.Handler):
    """Keep every record as the line it becomes, messages and tracebacks alike."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    """Collect the lines of every logger, the non-propagating security logger included."""
    handler = LinesHandler()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    logger.addHandler(handler)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        logger.removeHandler(handler)
        root.setLevel(level)


def security_lines(lines: list[str]) -> list[dict]:
    """Return the security events among ``lines``, parsed from their JSON."""
    prefix = f"{logger.name} "
    return [
        json.loads(line.removeprefix(prefix))
        for line in lines
        if line.startswith(prefix) and line.removeprefix(prefix).startswith("{")
    ]
