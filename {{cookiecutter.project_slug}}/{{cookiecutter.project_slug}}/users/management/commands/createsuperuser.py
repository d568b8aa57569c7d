"""Django's ``createsuperuser``, with ``--noinput`` held to the password validators.

Interactive ``createsuperuser`` checks the password against
``AUTH_PASSWORD_VALIDATORS``; Django's ``--noinput`` takes
``DJANGO_SUPERUSER_PASSWORD`` as it is, so ``admin`` would do. Here
``--noinput``:

- refuses a password the validators refuse, with their messages;
- without ``DJANGO_SUPERUSER_PASSWORD``, generates a strong password and shows
  it once, or on CI (``CI`` set) writes it to ``.superuser-password``
  (readable by you only, git-ignored) so that it stays out of build logs;
- keeps a superuser that already exists, so that setup can run again.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management.commands import createsuperuser
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import CommandError

# Names of where a password is read or written, not passwords.
PASSWORD_VARIABLE = "DJANGO_SUPERUSER_PASSWORD"  # noqa: S105
PASSWORD_FILE_NAME = ".superuser-password"  # noqa: S105


def running_on_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Return True when ``CI`` is set, as CI services do, to anything but false."""
    return environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def generate_password() -> str:
    """Return a random password of 24 URL-safe characters (144 bits)."""
    return secrets.token_urlsafe(18)


def write_private_file(path: Path, text: str) -> None:
    """Write ``text`` to a new ``path`` readable by its owner only, replacing it."""
    path.unlink(missing_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(text + "\n")


class Command(createsuperuser.Command):
    help = (
        "Create a superuser. With --noinput: the password comes from "
        f"{PASSWORD_VARIABLE} and must pass AUTH_PASSWORD_VALIDATORS, or is "
        "generated; an existing superuser is kept."
    )

    def handle(self, *args: str, **options: Any) -> None:
        if options["interactive"]:
            super().handle(*args, **options)
            return
        user_model = get_user_model()
        username_field = user_model.USERNAME_FIELD
        username = options[username_field] or os.environ.get(
            f"DJANGO_SUPERUSER_{username_field.upper()}"
        )
        if not username:
            super().handle(*args, **options)  # Django says what is missing.
            return
        manager = user_model._default_manager.db_manager(options["database"])
        if manager.filter(**{username_field: username}).exists():
            self.stdout.write(f"Superuser {username} already exists, kept.")
            return

        password = os.environ.get(PASSWORD_VARIABLE, "")
        generated = not password
        if generated:
            password = generate_password()
        email_field = user_model.get_email_field_name()
        email = options.get(email_field) or os.environ.get(
            f"DJANGO_SUPERUSER_{email_field.upper()}"
        )
        candidate = user_model(**{username_field: username, email_field: email})
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            message = f"{PASSWORD_VARIABLE} is too weak: {' '.join(error.messages)}"
            raise CommandError(message) from None

        super().handle(*args, **{**options, "verbosity": 0})
        if generated:
            user = manager.get(**{username_field: username})
            user.set_password(password)
            user.save(update_fields=["password"])
        self.stdout.write(self.created_message(username, password, generated=generated))

    def created_message(self, username: str, password: str, *, generated: bool) -> str:
        """Return what to print about the new superuser, never a password on CI."""
        if not generated:
            return f"Superuser {username} created with the password in {PASSWORD_VARIABLE}."
        if running_on_ci():
            path = Path(settings.BASE_DIR) / PASSWORD_FILE_NAME
            write_private_file(path, password)
            return (
                f"Superuser {username} created; CI is set, so its generated password "
                f"is in {path} (readable by you only), not in this log."
            )
        return f"Superuser {username} created with password {password} (shown once)."
