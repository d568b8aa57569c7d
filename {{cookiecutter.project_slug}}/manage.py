#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    try:
        from django.core.management import execute_from_command_line  # noqa: PLC0415
    except ImportError as error:
        message = (
            "Couldn't import Django. Activate the project's virtual environment "
            "(source .venv/bin/activate) or run 'python3 bootstrap.py' first."
        )
        raise ImportError(message) from error
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
