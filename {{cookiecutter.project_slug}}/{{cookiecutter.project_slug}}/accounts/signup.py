"""Open sign-up and email verification.

Sign-up answers 202 with the same body, at about the same cost, whether or
not the address has an account: the password is hashed either way, and an
address that has one gets an "account exists" email instead of a second
account. Only a malformed address or a password the validators refuse is a 400.
"""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
{%- if cookiecutter.login_field == "username" %}
from django.contrib.auth.validators import UnicodeUsernameValidator
{%- endif %}
from django.db import IntegrityError, transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
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
from .serializers import LinkSerializer, validate_new_password
from .tasks import email_later
from .tokens import email_verification_tokens
from .views import AddressView, AnonymousAccountView


class SignupSerializer(serializers.Serializer):
{%- if cookiecutter.login_field == "username" %}
    username = serializers.CharField(
        max_length=150, validators=[UnicodeUsernameValidator()]
    )
{%- endif %}
    email = serializers.EmailField()
    password = serializers.CharField(style={"input_type": "password"})

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs["email"] = normalize_email_address(attrs["email"])
        user_model = get_user_model()
{%- if cookiecutter.login_field == "username" %}
        if user_model._default_manager.filter(username=attrs["username"]).exists():
            # Usernames are public (they log in with them): saying so leaks nothing new.
            raise serializers.ValidationError(
                {"username": ["A user with that username already exists."]}
            )
        candidate = user_model(username=attrs["username"], email=attrs["email"])
{%- else %}
        candidate = user_model(email=attrs["email"])
{%- endif %}
        validate_new_password(attrs["password"], candidate, "password")
        return attrs


@extend_schema(
    tags=["accounts"], responses={202: ACCEPTED, 400: INVALID_BODY, **COMMON}
)
class SignupView(AddressView):
    """Create an account; a link to confirm the address is emailed."""

    serializer_class = SignupSerializer

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        # Hashed before anything is looked up: known and unknown addresses cost the same.
        data["password"] = make_password(data["password"])
        user = create_account(data)
        # The existing account's owner learns of the attempt by email; the
        # answer says nothing of it.
        record(
            Kind.SIGNED_UP,
            request=request,
            user=user,
            login_name=data["email"],
            existing_account=user is None,
        )
        email_later("account_exists" if user is None else "verify_email", data["email"])
        return Response(
            {"detail": "Check your inbox to confirm your address."},
            status=status.HTTP_202_ACCEPTED,
        )


def create_account(data: dict[str, Any]) -> User | None:
    """Create and return an unverified account of ``data``; None if the address has one."""
    users = get_user_model()._default_manager
    try:
        with transaction.atomic():
            if users.filter(email__iexact=data["email"]).exists():
                return None
            return users.create(**data, email_verified=False)
    except IntegrityError:  # The same address signed up at the same moment.
        return None


@extend_schema(
    tags=["accounts"], responses={200: DONE, 400: BAD_LINK_OR_BODY, **COMMON}
)
class VerifyEmailView(AnonymousAccountView):
    """Confirm an address with its emailed link. Issues no tokens: log in next."""

    serializer_class = LinkSerializer

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = user_of_uid(serializer.validated_data["uid"])
        token = serializer.validated_data["token"]
        if user is None or not email_verification_tokens.check_token(user, token):
            raise InvalidLink
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        record(Kind.EMAIL_VERIFIED, request=request, user=user)
        return Response({"detail": "Address confirmed. You can log in."})


@extend_schema(
    tags=["accounts"], responses={202: ACCEPTED, 400: INVALID_BODY, **COMMON}
)
class ResendVerificationView(AddressView):
    """Email the confirmation link again, if the address has an unconfirmed account."""

    def post(self, request: Request) -> Response:
        email_later("verify_email", self.address(request))
        return Response(
            {"detail": "If the address awaits confirmation, a link is on its way."},
            status=status.HTTP_202_ACCEPTED,
        )
