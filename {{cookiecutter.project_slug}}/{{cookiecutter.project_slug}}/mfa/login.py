"""What a login needs after the password: nothing, a code, or enrolling first."""

from django.http import HttpRequest
from rest_framework.request import Request

from {{ cookiecutter.project_slug }}.security_events.events import Kind, record
from {{ cookiecutter.project_slug }}.users.models import User

from . import challenges
from .conf import mfa_settings
from .devices import has_second_factor


def enrolment_required(user: User) -> bool:
    """Return True when ``user`` must enrol a second factor before getting tokens."""
    return (
        mfa_settings.MFA_REQUIRED_FOR_STAFF
        and (user.is_staff or user.is_superuser)
        and not has_second_factor(user)
    )


def second_step(
    user: User, request: HttpRequest | Request | None
) -> dict[str, object] | None:
    """Return the answer of a login whose password was right, when tokens must wait.

    A user with a second factor gets an mfa_token to send with a code to
    ``/api/token/mfa/``; staff without one, an mfa_token that only enrols a
    device (``/api/mfa/totp/setup/`` and ``/confirm/``). None: the login
    is complete.
    """
    if has_second_factor(user):
        purpose = challenges.Purpose.LOGIN
    elif enrolment_required(user):
        purpose = challenges.Purpose.ENROLMENT
    else:
        return None
    record(Kind.MFA_CHALLENGED, request=request, user=user, purpose=str(purpose))
    return challenges.start(user, purpose)
