"""Not in the article: its settings on PostgreSQL, for the benchmark's ``--database``.

Django's PostgreSQL backend with Django's defaults, so still no connection
reuse (``CONN_MAX_AGE = 0``), on the database ``DATABASE_URL`` names.
"""

import os
from urllib.parse import urlsplit

from .settings import *  # noqa: F403

_database = urlsplit(os.environ["DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _database.path.lstrip("/"),
        "USER": _database.username or "postgres",
        "HOST": _database.hostname or "127.0.0.1",
        "PORT": _database.port or 5432,
    },
}
