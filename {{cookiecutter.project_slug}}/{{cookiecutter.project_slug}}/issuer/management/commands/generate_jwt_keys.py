"""``manage.py generate_jwt_keys``: create the JWT signing key this checkout lacks.

HMAC algorithms: a fresh secret in the ``JWT_SIGNING_KEY=`` line of ``.env``
when it is empty or missing. Key pairs: the files named by
``JWT_PRIVATE_KEY_FILE`` and ``JWT_PUBLIC_KEY_FILE`` (the private one readable
by you only), unless they exist or ``JWT_PRIVATE_KEY`` is set. Existing keys
are never replaced, so running it again is safe; a missing public key is made
again from the private key.

It runs without the system checks, which would refuse to start without the
very key it creates.
"""

import os
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.serialization import load_pem_private_key
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.generation import (
    generate_hmac_key,
    generate_private_key,
    private_key_to_pem,
    public_key_to_pem,
)

from ...key_files import set_dotenv_value, write_private_file


def ensure_hmac_secret(dotenv: Path, algorithm: str) -> str:
    """Give ``JWT_SIGNING_KEY`` a fresh secret unless it has one; say what was done."""
    if os.environ.get("JWT_SIGNING_KEY"):
        return "JWT_SIGNING_KEY is set, kept."
    if not dotenv.is_file():
        message = (
            f"{dotenv} does not exist: copy .env.example to .env (python3 "
            "bootstrap.py does), or set JWT_SIGNING_KEY in the environment."
        )
        raise CommandError(message)
    set_dotenv_value(dotenv, "JWT_SIGNING_KEY", generate_hmac_key(algorithm))
    return f"Wrote a new {algorithm} secret to JWT_SIGNING_KEY in {dotenv.name}."


def ensure_key_pair(
    root: Path, private_name: str, public_name: str, algorithm: str
) -> str:
    """Create the key pair files (paths relative to ``root``) unless they exist; say what was done."""
    private_path, public_path = root / private_name, root / public_name
    if private_path.exists():
        private_key = load_pem_private_key(private_path.read_bytes(), password=None)
        outcome = f"Kept {private_name}."
    else:
        private_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        private_key = generate_private_key(algorithm)
        write_private_file(private_path, private_key_to_pem(private_key))
        outcome = f"Created the {algorithm} private key {private_name} (readable by you only)."
    if not public_path.exists():
        public_path.parent.mkdir(parents=True, exist_ok=True)
        public_path.write_text(public_key_to_pem(private_key))
        outcome += f" Wrote its public key to {public_name}."
    return outcome


def ensure_signing_key(root: Path, algorithm: str) -> str:
    """Create the signing key of ``algorithm`` unless there is one; say what was done.

    It reads no Django setting: bootstrap.py's setup (``config/setup_steps.py``)
    calls it before Django loads the settings, which read the key it writes.
    """
    if is_hmac(algorithm):
        return ensure_hmac_secret(root / ".env", algorithm)
    if os.environ.get("JWT_PRIVATE_KEY"):
        return "JWT_PRIVATE_KEY is set, kept."
    private_name = os.environ.get("JWT_PRIVATE_KEY_FILE")
    public_name = os.environ.get("JWT_PUBLIC_KEY_FILE")
    if not (private_name and public_name):
        message = "Set JWT_PRIVATE_KEY_FILE and JWT_PUBLIC_KEY_FILE (see .env.example)."
        raise CommandError(message)
    return ensure_key_pair(root, private_name, public_name, algorithm)


class Command(BaseCommand):
    help = "Create the JWT signing key (HMAC secret in .env, or key pair files) when missing."
    requires_system_checks = []

    def handle(self, *args: str, **options: Any) -> None:
        algorithm = settings.SIMPLE_JWT["ALGORITHM"]
        outcome = ensure_signing_key(Path(settings.BASE_DIR), algorithm)
        self.stdout.write(f"JWT keys: {outcome}")
