"""What a bake is made from and what it leaves: the template, the superuser, the files."""

import shutil
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parents[2]
# Bakes of the tests and the benchmark create the superuser with this password,
# so that they can log in; the generated-password path has tests of its own.
SUPERUSER_PASSWORD = "baked-superuser-password-7f3a"


def read_dotenv(project):
    """Return the variables set in a baked project's ``.env``."""
    variables = {}
    for line in (Path(project) / ".env").read_text().splitlines():
        name, equals, value = line.partition("=")
        if equals and not name.startswith("#"):
            variables[name.strip()] = value
    return variables


def project_files(project):
    """Yield the files a baked project was generated with (not state made later)."""
    skipped = {
        ".venv",
        ".git",
        "__pycache__",
        ".pytest_cache",
        ".ruff_cache",
        ".hypothesis",
    }
    # State made after the bake: setup's keys and cache, and the static files
    # that serving a shared bake in production collects (git ignores them).
    skipped |= {"keys", ".cache", ".superuser-password", "staticfiles"}
    for path in sorted(Path(project).rglob("*")):
        state = path.name in {".env", "db.sqlite3", "db.sqlite3-wal", "db.sqlite3-shm"}
        if (
            path.is_file()
            and not state
            and not skipped & set(path.relative_to(project).parts)
        ):
            yield path


def fresh_checkout(project, destination):
    """Copy the files a clone of ``project``'s repository would have."""
    for path in project_files(project):
        relative = path.relative_to(project)
        if relative.parts[0] in {"staticfiles", ".cache"} or relative.name.endswith(
            ".egg-info"
        ):
            continue
        target = Path(destination) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    return Path(destination)
