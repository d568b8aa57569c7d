"""Helpers of the two-factor tests: enrol a user, log in with a code."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pyotp
from rest_framework.test import APIClient

from tests.helpers import PASSWORD, authorization_header

if TYPE_CHECKING:
    from rest_framework.response import _MonkeyPatchedResponse as Response

    from {{ cookiecutter.project_slug }}.users.models import User


def obtain(client: APIClient, user: User) -> Response:
    return client.post(
        "/api/token/",
        {user.USERNAME_FIELD: user.get_username(), "password": PASSWORD},
        format="json",
    )


def enrol(client: APIClient, access: str) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol a TOTP device for the owner of ``access``; return it and the recovery codes."""
    header = authorization_header(access)
    setup = client.post(
        "/api/mfa/totp/setup/", {"password": PASSWORD}, HTTP_AUTHORIZATION=header
    )
    assert setup.status_code == 200, setup.content
    totp = pyotp.TOTP(setup.json()["secret"])
    confirm = client.post(
        "/api/mfa/totp/confirm/",
        {"code": code_at(totp, -1)},
        HTTP_AUTHORIZATION=header,
    )
    assert confirm.status_code == 200, confirm.content
    return totp, confirm.json()["recovery_codes"]


def code_at(totp: pyotp.TOTP, steps: int) -> str:
    """Return the code ``steps`` time steps from now (-1, 0, 1 are all accepted).

    django-otp refuses a code of a step no later than the last one used, so
    a test uses each of the three steps once: -1 to confirm the device, then
    0 and 1 to log in.
    """
    return totp.at(time.time() + totp.interval * steps)


def second_step(client: APIClient, mfa_token: str, code: str) -> Response:
    return client.post(
        "/api/token/mfa/", {"mfa_token": mfa_token, "code": code}, format="json"
    )


def challenge(client: APIClient, user: User) -> dict[str, Any]:
    response = obtain(client, user)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["mfa_required"] is True
    return body
