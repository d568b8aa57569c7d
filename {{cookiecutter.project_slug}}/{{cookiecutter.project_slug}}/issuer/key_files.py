"""Files that hold secrets: created owner-only, replaced in one step, and the .env lines.

``generate_jwt_keys`` and ``rotate_jwt_key`` write keys and secrets through
these, so no key is ever readable by others, even for a moment, and a crash
mid-write leaves the old file or the new one, never half of either.
"""

import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600


def write_private_file(path: Path, text: str) -> None:
    """Create ``path`` readable by its owner only; fail if it exists."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def replace_file(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step, owner-only: a crash leaves one or the other."""
    replacement = path.with_name(f"{path.name}.new")
    replacement.unlink(missing_ok=True)
    write_private_file(replacement, text)
    replacement.replace(path)


def dotenv_value(dotenv: Path, name: str) -> str:
    """Return the value of the line ``name=...`` of ``dotenv`` ('' when absent)."""
    if not dotenv.is_file():
        return ""
    for line in dotenv.read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.partition("=")[2].strip()
    return ""


def set_dotenv_value(dotenv: Path, name: str, value: str) -> None:
    """Set ``name=value`` in ``dotenv``, replacing its line or adding one; owner-only."""
    lines = dotenv.read_text().splitlines()
    assignment = f"{name}={value}"
    for index, line in enumerate(lines):
        if line.lstrip("# ").startswith(f"{name}="):
            lines[index] = assignment
            break
    else:
        lines.append(assignment)
    replace_file(dotenv, "\n".join(lines) + "\n")
