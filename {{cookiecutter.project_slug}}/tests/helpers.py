"""Small helpers shared by the tests."""

import base64
import json

from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework_simplejwt.settings import api_settings

PASSWORD = "correct horse battery staple"


def authorization_header(token: str, header_type: str | None = None) -> str:
    """Return the Authorization header value that carries ``token``."""
    return f"{header_type or api_settings.AUTH_HEADER_TYPES[0]} {token}"


def token_part(token: str, index: int) -> dict:
    """Return the decoded JSON of a token's header (0) or payload (1), unverified."""
    segment = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def refresh(client: APIClient, token: str) -> Response:
    """Ask the refresh endpoint for new tokens in exchange for ``token``."""
    return client.post("/api/token/refresh/", {"refresh": token}, format="json")


def verify(client: APIClient, token: str) -> Response:
    """Ask the verify endpoint whether ``token`` is accepted."""
    return client.post("/api/token/verify/", {"token": token}, format="json")


def logout(client: APIClient, token: str) -> Response:
    """Blacklist the refresh token ``token`` through the logout endpoint."""
    return client.post("/api/token/blacklist/", {"refresh": token}, format="json")
