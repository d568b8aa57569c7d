"""Throttles of the account endpoints: per client address, and per email address.

They count like the login's (``throttling/throttles.py``), in the shared
cache, and fail closed the same way: 503 when the cache cannot count.
Every request counts, whether or not the address has an account, so that
the answers tell nothing about it.
"""

import hashlib

from rest_framework.request import Request
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.throttling.throttles import (
    FixedWindowThrottle,
    validated_field,
)
from {{ cookiecutter.project_slug }}.users.addresses import normalize_email_address


class AccountPerClientThrottle(FixedWindowThrottle):
    """Account requests from one client address."""

    scope = "account_per_client"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.client_key(request)


class AccountPerAddressThrottle(FixedWindowThrottle):
    """Account requests for one email address, from any client: bounds the emails it gets."""

    scope = "account_per_address"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        address = validated_field(view, request, "email")
        if not isinstance(address, str):
            return None  # Answered 400 without sending anything.
        digest = hashlib.sha256(
            normalize_email_address(address).encode("utf-8", "surrogatepass")
        ).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}
