"""The client credentials grant (RFC 6749, section 4.4): check a client, make its token."""

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.issuer.tokens import AccessToken
from {{ cookiecutter.project_slug }}.jwt_auth.permissions import SCOPE_CLAIM
from {{ cookiecutter.project_slug }}.jwt_auth.service_clients import (
    CLIENT_ID_CLAIM,
    SUBJECT_PREFIX,
)

from .credentials import UNKNOWN_CLIENT_HASH, secret_matches
from .models import ServiceClient

BASIC_PREFIX = "basic "


class GrantError(Exception):
    """An error of RFC 6749, section 5.2: its ``error`` code and a description."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error = error
        self.description = description


@dataclass(frozen=True)
class Credentials:
    client_id: str
    secret: str


def basic_credentials(authorization: str) -> Credentials | None:
    """Return the client's credentials of an ``Authorization: Basic`` header, else None.

    RFC 6749, section 2.3.1: the id and secret are form-encoded, then joined
    with a colon and base64-encoded.
    """
    if not authorization.lower().startswith(BASIC_PREFIX):
        return None
    try:
        decoded = base64.b64decode(
            authorization[len(BASIC_PREFIX) :].strip(), validate=True
        ).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise GrantError(
            "invalid_client", "The Basic credentials cannot be read."
        ) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise GrantError("invalid_client", "The Basic credentials cannot be read.")
    return Credentials(unquote(client_id), unquote(secret))


def presented_credentials(authorization: str, body: Mapping) -> Credentials:
    """Return the credentials of the request: the Basic header or the body, not both."""
    in_header = basic_credentials(authorization)
    client_id, secret = body.get("client_id"), body.get("client_secret")
    if in_header is not None:
        if client_id is not None or secret is not None:
            raise GrantError("invalid_request", "Send the credentials one way only.")
        return in_header
    if not isinstance(client_id, str) or not isinstance(secret, str):
        raise GrantError("invalid_client", "The client's credentials are missing.")
    return Credentials(client_id, secret)


def authenticate_client(credentials: Credentials) -> ServiceClient:
    """Return the active client these credentials name; raise ``invalid_client``.

    A wrong secret, an unknown or a disabled client get the same error, after
    the same work (one query, one hash): the answer never says which.
    """
    client = ServiceClient.objects.filter(client_id=credentials.client_id).first()
    stored_hash = client.secret_hash if client is not None else UNKNOWN_CLIENT_HASH
    matches = secret_matches(credentials.secret, stored_hash)
    if client is None or not matches or not client.is_active:
        raise GrantError("invalid_client", "The client's credentials were refused.")
    return client


def granted_scopes(client: ServiceClient, requested: object) -> list[str]:
    """Return the scopes of the token: those asked for, or all the client's."""
    if requested is None or requested == "":
        return sorted(client.scopes)
    if not isinstance(requested, str):
        raise GrantError("invalid_request", "scope is a space-separated string.")
    asked = set(requested.split())
    if not asked <= client.scopes:
        raise GrantError(
            "invalid_scope", "The scope asked for exceeds the client's scopes."
        )
    return sorted(asked)


def client_access_token(client: ServiceClient, scopes: list[str]) -> AccessToken:
    """Return an access token for ``client`` with ``scopes`` (RFC 9068, no user)."""
    token = AccessToken()
    token[api_settings.USER_ID_CLAIM] = f"{SUBJECT_PREFIX}{client.client_id}"
    token[CLIENT_ID_CLAIM] = client.client_id
    token[SCOPE_CLAIM] = " ".join(scopes)
    return token
