"""Password reset and change: JSON in and out, nothing changed on GET.

Reset requests answer 202 with the same body, at the same cost, whether or
not the address has an account: the email is enqueued either way and the
worker finds out whom it goes to (``tasks.py``).
"""

from collections.abc import Sequence
from typing import cast

from django.utils.module_loading import import_string
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.api.schema import UNAUTHENTICATED
{%- if cookiecutter.token_transport == "cookie" %}
from {{ cookiecutter.project_slug }}.issuer.cookies import set_refresh_cookie
{%- endif %}
from {{ cookiecutter.project_slug }}.issuer.views import ThrottlesInOrder
from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
from {{ cookiecutter.project_slug }}.throttling.throttles import check_password_attempt
from {{ cookiecutter.project_slug }}.users.addresses import normalize_email_address
from {{ cookiecutter.project_slug }}.users.models import User

from .links import user_of_uid
from .responses import (
    ACCEPTED,
    BAD_LINK_OR_BODY,
    COMMON,
    DONE,
    INVALID_BODY,
    InvalidLink,
)
from .serializers import (
    AddressSerializer,
    PasswordChangeSerializer,
    PasswordResetConfirmSerializer,
    validate_new_password,
)
from .tasks import email_later
from .throttles import AccountPerAddressThrottle, AccountPerClientThrottle
from .tokens import password_reset_tokens


class AnonymousAccountView(ThrottlesInOrder, GenericAPIView):
    """An account endpoint for people who cannot log in (yet): no token read."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes: Sequence[type[BaseThrottle]] = (AccountPerClientThrottle,)


class AddressView(AnonymousAccountView):
    """Takes ``{email}``; counted per client, then per address."""

    serializer_class: type[serializers.Serializer] = AddressSerializer
    throttle_classes = (AccountPerClientThrottle, AccountPerAddressThrottle)

    def address(self, request: Request) -> str:
        """Return the body's address, normalized; 400 if it is not one."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return normalize_email_address(serializer.validated_data["email"])


@extend_schema(
    tags=["accounts"], responses={202: ACCEPTED, 400: INVALID_BODY, **COMMON}
)
class PasswordResetView(AddressView):
    """Email a link to choose a new password, if the address has an account."""

    def post(self, request: Request) -> Response:
        address = self.address(request)
        # Recorded for known and unknown addresses alike: the same cost.
        record(Kind.PASSWORD_RESET_REQUESTED, request=request, login_name=address)
        email_later("password_reset", address)
        return Response(
            {"detail": "If the address has an account, a reset link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )


@extend_schema(
    tags=["accounts"], responses={200: DONE, 400: BAD_LINK_OR_BODY, **COMMON}
)
class PasswordResetConfirmView(AnonymousAccountView):
    """Set a new password with an emailed link: every session of the user ends.

    The token works once (it hashes the password it replaces) and expires
    after ``PASSWORD_RESET_TIMEOUT``. A notice is emailed.
    """

    serializer_class = PasswordResetConfirmSerializer

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = user_of_uid(data["uid"])
        if user is None or not password_reset_tokens.check_token(user, data["token"]):
            raise InvalidLink
        password = validate_new_password(data["new_password"], user)
        user.set_password(password)
{%- if cookiecutter.account_signup == "open" %}
        # The link reached the address: it is confirmed too.
        user.email_verified = True
{%- endif %}
        # A new password ends every session (token_sessions, password stamps).
        user.save()
        record(Kind.PASSWORD_RESET, request=request, user=user)
        email_later("password_changed", user.email)
        return Response({"detail": "Password changed. Log in with the new one."})


TOKEN_PAIR = inline_serializer(
    "PasswordChanged",
    {
        "access": serializers.CharField(),
{%- if cookiecutter.token_transport == "header" %}
        "refresh": serializers.CharField(),
{%- endif %}
    },
)


@extend_schema(
    tags=["accounts"],
    responses={
        200: TOKEN_PAIR,
        400: INVALID_BODY,
        401: UNAUTHENTICATED,
        **COMMON,
    },
)
class PasswordChangeView(GenericAPIView):
    """Change the caller's password: this client gets new tokens, every other session ends.

    A wrong current password counts against the login's per-username limit,
    so this endpoint cannot be used to guess it faster.
    """

    permission_classes = (IsAuthenticated,)
    serializer_class = PasswordChangeSerializer

    def post(self, request: Request) -> Response:
        user = cast("User", request.user)  # IsAuthenticated lets only users in.
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        check_password_attempt(request, user.get_username())
        if not user.check_password(data["current_password"]):
            raise serializers.ValidationError(
                {"current_password": ["The current password is not correct."]}
            )
        user.set_password(validate_new_password(data["new_password"], user))
        # Every session with the old password ends, this one too...
        user.save()
        record(Kind.PASSWORD_CHANGED, request=request, user=user)
        email_later("password_changed", user.email)
        # ...and this client starts a new one.
        return self.new_tokens(request, user)

    def new_tokens(self, request: Request, user: User) -> Response:
        """Return the answer that carries a new token pair for ``user``."""
        obtain_serializer = import_string(api_settings.TOKEN_OBTAIN_SERIALIZER)
        obtain = obtain_serializer(context={"request": request})
        refresh = obtain.get_token(user)
{%- if cookiecutter.token_transport == "cookie" %}
        response = Response({"access": str(refresh.access_token)})
        set_refresh_cookie(response, str(refresh))
        return response
{%- else %}
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})
{%- endif %}
