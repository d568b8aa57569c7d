"""The two-factor endpoints' throttle: every request counts, per client address.

Codes are guessed there, so each request counts (a body the serializer
refuses too: it is cheap, but the limit is generous). Like the token
endpoints' throttles it counts in the shared cache and fails closed: 503
when the cache cannot count (``throttling/throttles.py``). django-otp's own
per-device throttle and the mfa_token's five wrong codes limit guessing
further.
"""

from rest_framework.request import Request
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.throttling.throttles import FixedWindowThrottle


class MFAPerClientThrottle(FixedWindowThrottle):
    """Requests to the two-factor endpoints from one client address."""

    scope = "mfa_per_client"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.client_key(request)
