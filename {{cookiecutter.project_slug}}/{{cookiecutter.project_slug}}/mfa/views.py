"""The two-factor endpoints: the code step of a login, and managing the factors.

Thin views over django-otp (``devices.py``) and the mfa_token
(``challenges.py``). Each is throttled per client address and fails closed
(``throttles.py``); each change is a security event, and adding or
removing a device ends the user's other sessions.
"""

from base64 import b32encode
from typing import Any

{% if cookiecutter.token_transport == "cookie" %}from django.middleware.csrf import rotate_token
{% endif %}from django.utils.module_loading import import_string
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.accounts.tasks import email_later
from {{ cookiecutter.project_slug }}.api.schema import INVALID_BODY, NOTHING
from {{ cookiecutter.project_slug }}.api.serializers import ErrorSerializer
{%- if cookiecutter.token_transport == "cookie" %}
from {{ cookiecutter.project_slug }}.issuer.cookies import (
    TrustedOrigin,
    set_refresh_cookie,
)
{%- endif %}
from {{ cookiecutter.project_slug }}.issuer.tokens import TwoFactorRefreshToken
from {{ cookiecutter.project_slug }}.issuer.views import ThrottlesInOrder
from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
from {{ cookiecutter.project_slug }}.users.models import User

from . import challenges, devices
from .errors import (
    AlreadyEnrolledError,
    InvalidCodeError,
    NoSetupError,
    NotEnrolledError,
)
from .serializers import (
    EnrolmentConfirmSerializer,
    EnrolmentSetupSerializer,
    MFALoginSerializer,
    MFAStatusSerializer,
    PasswordAndCodeSerializer,
    PasswordSerializer,
    RecoveryCodesSerializer,
    TOTPSetupSerializer,
)
from .sessions import end_other_sessions
from .throttles import MFAPerClientThrottle

TWO_FACTOR_TOKENS = inline_serializer(
    "TwoFactorTokens",
    fields={
        "access": serializers.CharField(),
{%- if cookiecutter.token_transport == "header" %}
        "refresh": serializers.CharField(),
{%- endif %}
    },
)
REFUSED_CODE = OpenApiResponse(
    ErrorSerializer,
    description="invalid_code: the code is wrong or used; or the body is invalid.",
)
MFA_TOKEN_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="mfa_token_invalid: unknown, expired, used, or dead after 5 wrong "
    "codes (log in again); or the access token was refused.",
)


class MFAView(ThrottlesInOrder, GenericAPIView):
    """A two-factor endpoint: throttled per client, failing closed."""

    throttle_classes = (MFAPerClientThrottle,)


def authenticated_user(request: Request) -> User | None:
    """Return the user of the request's access token, or None."""
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def tokens_after_second_factor(user: User, request: Request) -> dict[str, Any]:
    """Return the token pair of ``user``'s completed two-factor login.

    Made by the configured obtain serializer (a session starts, the login
    is announced), with the refresh token that carries ``amr``.
    """
    obtain = import_string(api_settings.TOKEN_OBTAIN_SERIALIZER)(
        context={"request": request}
    )
    obtain.token_class = TwoFactorRefreshToken
    obtain.user = user
    pair: dict[str, Any] = obtain.token_pair(user)
    return pair


@extend_schema(
    tags=["mfa"],
    request=MFALoginSerializer,
    responses={
        200: OpenApiResponse(
            TWO_FACTOR_TOKENS,
            description="The tokens of the login"
{%- if cookiecutter.token_transport == "cookie" %}
            " (the refresh token in its HttpOnly cookie, with Django's CSRF cookie)"
{%- endif %}
            '; the access token carries amr ["pwd", "otp"].',
        ),
        400: REFUSED_CODE,
        401: MFA_TOKEN_REFUSED,
    },
)
class TwoFactorLoginView(MFAView):
    """Finish a login: the mfa_token of ``POST /api/token/`` and a code give the tokens.

    A recovery code works too, once. A wrong code counts against the
    mfa_token, which dies at the fifth.
    """

    authentication_classes = ()
    permission_classes = ({{ "TrustedOrigin" if cookiecutter.token_transport == "cookie" else "AllowAny" }},)
    serializer_class = MFALoginSerializer

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        challenge = challenges.open_challenge(
            serializer.validated_data["mfa_token"], challenges.Purpose.LOGIN
        )
        user = challenge.user
        factor = devices.verify_second_factor(user, serializer.validated_data["code"])
        if factor is None:
            challenges.count_failure(challenge)
            record(Kind.MFA_CODE_REFUSED, request=request, user=user, step="login")
            raise InvalidCodeError
        if not challenges.spend(challenge):
            raise challenges.MFATokenInvalidError
        if factor == "recovery_code":
            record(
                Kind.RECOVERY_CODE_USED,
                request=request,
                user=user,
                remaining=devices.recovery_codes_remaining(user),
            )
{%- if cookiecutter.token_transport == "cookie" %}
        response = Response(tokens_after_second_factor(user, request))
        set_refresh_cookie(response, response.data.pop("refresh"))
        rotate_token(request)
        return response
{%- else %}
        return Response(tokens_after_second_factor(user, request))
{%- endif %}


@extend_schema(tags=["mfa"], responses={200: MFAStatusSerializer})
class MFAStatusView(MFAView):
    """Say whether the caller has a TOTP device, and how many recovery codes are left."""

    permission_classes = (IsAuthenticated,)
    serializer_class = MFAStatusSerializer

    def get(self, request: Request) -> Response:
        user = authenticated_user(request)
        assert user is not None  # noqa: S101 - IsAuthenticated let the request in
        return Response(
            {
                "totp": devices.has_second_factor(user),
                "recovery_codes_remaining": devices.recovery_codes_remaining(user),
            }
        )


class EnrolmentView(MFAView):
    """An enrolment step: for the caller's access token, or for staff's mfa_token.

    Staff without a second factor get no tokens while
    ``MFA_REQUIRED_FOR_STAFF`` holds: they enrol with the mfa_token their
    password step answered (``mfa_enrolment_required``).
    """

    permission_classes = (AllowAny,)

    def enrolling_user(
        self, request: Request, mfa_token: str | None
    ) -> tuple[User, challenges.LoginChallenge | None]:
        """Return the user enrolling, and the enrolment challenge they came with."""
        user = authenticated_user(request)
        if user is not None:
            return user, None
        if not mfa_token:
            raise challenges.MFATokenInvalidError
        challenge = challenges.open_challenge(mfa_token, challenges.Purpose.ENROLMENT)
        return challenge.user, challenge


@extend_schema(
    tags=["mfa"],
    request=PasswordSerializer,
    responses={200: TOTPSetupSerializer, 400: INVALID_BODY, 401: MFA_TOKEN_REFUSED},
    description="Start adding a TOTP device: its secret, for an authenticator app. "
    "With an access token send {password}; staff enrolling before their first "
    "token send {mfa_token} instead. Nothing changes until /api/mfa/totp/confirm/.",
)
class TOTPSetupView(EnrolmentView):
    serializer_class = PasswordSerializer

    def post(self, request: Request) -> Response:
        user = authenticated_user(request)
        if user is not None:
            PasswordSerializer(data=request.data, context={"user": user}).is_valid(
                raise_exception=True
            )
        else:
            enrolment = EnrolmentSetupSerializer(data=request.data)
            enrolment.is_valid(raise_exception=True)
            user, _challenge = self.enrolling_user(
                request, enrolment.validated_data["mfa_token"]
            )
        if devices.has_second_factor(user):
            raise AlreadyEnrolledError
        device = devices.start_totp_setup(user)
        return Response(
            {
                "otpauth_url": device.config_url,
                "secret": b32encode(device.bin_key).decode(),
            }
        )


@extend_schema(
    tags=["mfa"],
    request=EnrolmentConfirmSerializer,
    responses={200: RecoveryCodesSerializer, 400: REFUSED_CODE, 401: MFA_TOKEN_REFUSED},
    description="Confirm the device being set up with its current code: two-factor "
    "login starts, the user's other sessions end, and 10 recovery codes are "
    "answered, this once. The code used here cannot log in.",
)
class TOTPConfirmView(EnrolmentView):
    serializer_class = EnrolmentConfirmSerializer

    def post(self, request: Request) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, challenge = self.enrolling_user(
            request, serializer.validated_data.get("mfa_token")
        )
        device = devices.unconfirmed_totp(user)
        if device is None:
            raise NoSetupError
        if not devices.verify_totp(device, serializer.validated_data["code"]):
            if challenge is not None:
                challenges.count_failure(challenge)
            record(Kind.MFA_CODE_REFUSED, request=request, user=user, step="confirm")
            raise InvalidCodeError
        if challenge is not None and not challenges.spend(challenge):
            raise challenges.MFATokenInvalidError
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = devices.new_recovery_codes(user)
        ended = end_other_sessions(user, request, reason="mfa-enabled")
        record(Kind.MFA_ENABLED, request=request, user=user, sessions_ended=ended)
        return Response({"recovery_codes": codes})


def check_password_and_code(request: Request) -> User:
    """Return the caller after checking their password and a code of their second factor."""
    user = authenticated_user(request)
    assert user is not None  # noqa: S101 - IsAuthenticated let the request in
    serializer = PasswordAndCodeSerializer(data=request.data, context={"user": user})
    serializer.is_valid(raise_exception=True)
    if not devices.has_second_factor(user):
        raise NotEnrolledError
    if devices.verify_second_factor(user, serializer.validated_data["code"]) is None:
        record(Kind.MFA_CODE_REFUSED, request=request, user=user, step="manage")
        raise InvalidCodeError
    return user


@extend_schema(
    tags=["mfa"],
    request=PasswordAndCodeSerializer,
    responses={204: NOTHING, 400: REFUSED_CODE},
    description="Turn two-factor login off: with the password and a current code "
    "(or a recovery code). The user's other sessions end, and a notice is emailed.",
)
class TOTPDeleteView(MFAView):
    permission_classes = (IsAuthenticated,)
    serializer_class = PasswordAndCodeSerializer

    def delete(self, request: Request) -> Response:
        user = check_password_and_code(request)
        devices.remove_second_factor(user)
        ended = end_other_sessions(user, request, reason="mfa-disabled")
        record(Kind.MFA_DISABLED, request=request, user=user, sessions_ended=ended)
        if user.email:
            # A notice, off the request path: somebody with the password and a
            # code may not be the user.
            email_later("mfa_disabled", user.email)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["mfa"],
    request=PasswordAndCodeSerializer,
    responses={200: RecoveryCodesSerializer, 400: REFUSED_CODE},
    description="Replace the recovery codes with a new set, answered this once; "
    "the old ones stop working.",
)
class RecoveryCodesView(MFAView):
    permission_classes = (IsAuthenticated,)
    serializer_class = PasswordAndCodeSerializer

    def post(self, request: Request) -> Response:
        user = check_password_and_code(request)
        codes = devices.new_recovery_codes(user)
        record(Kind.RECOVERY_CODES_RENEWED, request=request, user=user)
        return Response({"recovery_codes": codes})
