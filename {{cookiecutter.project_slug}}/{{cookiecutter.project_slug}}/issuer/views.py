"""simplejwt's token views, with the throttles of the endpoints that need them.

Obtaining a token checks a password: it counts per client address, then per
username. Refreshing counts per client address. Verifying and logging out
check no password and cost nothing to call again, so they keep simplejwt's
views unthrottled. See ``throttling/throttles.py`` for how requests are counted.
"""

from typing import Any

from django.contrib.auth import get_user_model
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views

from {{ cookiecutter.project_slug }}.throttling.devices import set_device_cookie
from {{ cookiecutter.project_slug }}.throttling.throttles import (
    LoginPerClientThrottle,
    LoginPerUsernameThrottle,
    RefreshPerClientThrottle,
    first_refusal,
    username_digest,
    validated_field,
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
    Retry-After over a limit). A login sets a device cookie: the client's
    later attempts for that user count on a budget of their own
    (``devices.py``).
    """

    throttle_classes = (LoginPerClientThrottle, LoginPerUsernameThrottle)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().post(request, *args, **kwargs)
        username = validated_field(self, request, get_user_model().USERNAME_FIELD)
        if response.status_code == status.HTTP_200_OK and isinstance(username, str):
            set_device_cookie(response, username_digest(username))
        return response


class TokenRefreshView(ThrottlesInOrder, views.TokenRefreshView):
    """Obtain a new access token (and refresh token, when they rotate).

    Refreshes are limited per client address (429 with Retry-After over the
    limit).
    """

    throttle_classes = (RefreshPerClientThrottle,)
