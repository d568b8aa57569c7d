"""simplejwt's token views, with the throttles of the endpoints that need them.

Obtaining a token checks a password: it counts per client address, then per
username. Refreshing counts per client address. Verifying and logging out
check no password and cost nothing to call again, so they keep simplejwt's
views unthrottled. See ``throttling/throttles.py`` for how requests are counted.
"""

from rest_framework.request import Request
from rest_framework.views import APIView
from rest_framework_simplejwt import views

from {{ cookiecutter.project_slug }}.throttling.throttles import (
    LoginPerClientThrottle,
    LoginPerUsernameThrottle,
    RefreshPerClientThrottle,
    first_refusal,
)


class ThrottlesInOrder(APIView):
    """Ask the view's throttles in order and stop at the first refusal.

    DRF's ``check_throttles`` asks every throttle even after one refused, so a
    request refused for its client would still open a counter for its username.
    """

    def check_throttles(self, request: Request) -> None:
        refusing = first_refusal(self.get_throttles(), request, self)
        if refusing is not None:
            # DRF's own check_throttles passes None too; its stubs ask for a float.
            self.throttled(request, refusing.wait())  # type: ignore[arg-type]


class TokenObtainPairView(ThrottlesInOrder, views.TokenObtainPairView):
    """Obtain an access and a refresh token with a username and password.

    Attempts are limited per client address and per username (429 with
    Retry-After over a limit).
    """

    throttle_classes = (LoginPerClientThrottle, LoginPerUsernameThrottle)


class TokenRefreshView(ThrottlesInOrder, views.TokenRefreshView):
    """Obtain a new access token (and refresh token, when they rotate).

    Refreshes are limited per client address (429 with Retry-After over the
    limit).
    """

    throttle_classes = (RefreshPerClientThrottle,)
