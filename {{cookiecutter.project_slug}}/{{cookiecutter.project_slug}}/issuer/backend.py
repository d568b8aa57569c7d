"""The token backend of an issuer: it holds its keys, current, previous and next.

``manage.py rotate_jwt_key`` does not switch keys at once: it writes the next
key into ``JWT_NEXT_KEYS_DIR`` with the time it may sign from
(``JWT_KEY_PUBLISH_SECONDS`` later). Every issuer sharing that folder publishes
it in its JWKS as soon as it appears, and signs with it from that time on,
without a restart: so no token is signed with a key that verifiers caching the
key set have not had the time to fetch. The folder is read again whenever it
changes (a listing of the folder per use, no more); ``rotate_jwt_key`` puts
each key there whole, in one rename.
"""

import logging
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jwt.exceptions import InvalidKeyError
from rest_framework_simplejwt import settings as simplejwt_settings

from {{ cookiecutter.project_slug }}.jwt_auth.backends import (
    KeySet,
    KeySetTokenBackend,
    load_key_set,
)
from {{ cookiecutter.project_slug }}.jwt_auth.codec import prepare_key
from {{ cookiecutter.project_slug }}.jwt_keys.loading import NextKey, next_keys

from .conf import issuer_settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class NextSigner:
    """A next key, parsed once: parsing an RSA key for every token would be slow."""

    key: NextKey
    prepared_key: Any
    kid: str | None


class IssuerTokenBackend(KeySetTokenBackend):
    """Sign with the newest next key whose time has come, else the current key."""

    def __init__(self, *args: Any, next_keys_dir: Path | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.next_keys_dir = next_keys_dir
        self._next_keys_version: list[str] | None = None
        self._next_signers: list[NextSigner] = []
        self._next_key_set = KeySet()

    def read_next_keys(self) -> list[NextSigner]:
        """Return the next keys, ready to sign, read again when their folder changed."""
        # The names, not the folder's mtime: two changes within one tick of
        # the file system's clock would leave the mtime as it was.
        try:
            version = (
                sorted(os.listdir(self.next_keys_dir)) if self.next_keys_dir else []
            )
        except FileNotFoundError:
            version = []
        if version != self._next_keys_version:
            signers = [
                signer
                for key in next_keys(self.next_keys_dir)
                if (signer := self.next_signer(key)) is not None
            ]
            self._next_signers = signers
            self._next_key_set = load_key_set(
                self.algorithm, "", "", [signer.key.private_pem for signer in signers]
            )
            self._next_keys_version = version
        return self._next_signers

    def next_signer(self, key: NextKey) -> NextSigner | None:
        """Return ``key`` ready to sign; None, logged, when it is no key of ours.

        A damaged file in the folder must not stop logins and the JWKS: the
        service goes on with the keys it has, and the log says what to fix.
        """
        try:
            return NextSigner(
                key,
                prepare_key(self.algorithm, key.private_pem),
                load_key_set(self.algorithm, "", key.private_pem).signing_kid,
            )
        except (ValueError, TypeError, InvalidKeyError) as error:
            logger.error(
                "The next key that signs from %s is not a %s private key (%s): "
                "it is neither published nor used; run rotate_jwt_key again.",
                key.not_before.isoformat(),
                self.algorithm,
                type(error).__name__,
            )
            return None

    @property
    def key_set(self) -> KeySet:
        """Return the keys that verify: the configured ones and the next keys."""
        configured = super().key_set
        self.read_next_keys()
        if not self._next_key_set.verifying_keys:
            return configured
        return KeySet(
            configured.signing_kid,
            configured.verifying_keys | self._next_key_set.verifying_keys,
            configured.public_jwks
            + [
                jwk
                for jwk in self._next_key_set.public_jwks
                if jwk["kid"] not in configured.verifying_keys
            ],
        )

    def signing_key_now(self) -> tuple[Any, str | None]:
        """Return the key that signs now and its ``kid``."""
        now = datetime.now(tz=UTC)
        due = [signer for signer in self.read_next_keys() if signer.key.signs_at(now)]
        if not due:
            # The current key, whose kid the configured keys name: ``key_set``
            # would read the next keys' folder a second time.
            return self.prepared_signing_key, super().key_set.signing_kid
        return due[-1].prepared_key, due[-1].kid


def local_token_backend() -> KeySetTokenBackend:
    """Return the backend of a service that holds its keys (``SIMPLE_JWT`` and ``JWT_*``)."""
    jwt_settings = simplejwt_settings.api_settings
    return IssuerTokenBackend(
        jwt_settings.ALGORITHM,
        jwt_settings.SIGNING_KEY,
        jwt_settings.VERIFYING_KEY,
        jwt_settings.AUDIENCE,
        jwt_settings.ISSUER,
        None,  # JWK_URL: an issuer holds its keys.
        jwt_settings.LEEWAY,
        jwt_settings.JSON_ENCODER,
        previous_keys=issuer_settings.JWT_PREVIOUS_VERIFYING_KEYS,
        next_keys_dir=issuer_settings.JWT_NEXT_KEYS_DIR,
    )
