"""Small helpers shared by the tests."""

import base64
import json

from rest_framework_simplejwt.settings import api_settings

PASSWORD = "correct horse battery staple"


def authorization_header(token: str, header_type: str | None = None) -> str:
    """Return the Authorization header value that carries ``token``."""
    return f"{header_type or api_settings.AUTH_HEADER_TYPES[0]} {token}"


def token_part(token: str, index: int) -> dict:
    """Return the decoded JSON of a token's header (0) or payload (1), unverified."""
    segment = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
