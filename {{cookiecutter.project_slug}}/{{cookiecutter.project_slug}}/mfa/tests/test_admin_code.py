"""The admin site asks staff for a code after the password."""

import pytest
from django.test import Client

from {{ cookiecutter.project_slug }}.users.models import User

from .two_factor import code_at, enrol, obtain
from tests.helpers import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def totp(api_client, staff: User, settings):
    """The TOTP of ``staff``, enrolled while staff did not need a code for tokens."""
    settings.MFA_REQUIRED_FOR_STAFF = False
    totp, _codes = enrol(api_client, obtain(api_client, staff).json()["access"])
    settings.MFA_REQUIRED_FOR_STAFF = True
    return totp


def admin_login(client: Client, staff: User, **code: str):
    return client.post(
        LOGIN, {"username": staff.get_username(), "password": PASSWORD, **code}
    )


def test_the_password_alone_does_not_open_the_admin(staff, totp):
    client = Client()

    response = admin_login(client, staff)

    assert response.status_code == 200  # The form again, asking for the code.
    assert client.get("/admin/").status_code == 302


def test_a_code_opens_the_admin(staff, totp):
    client = Client()

    response = admin_login(client, staff, otp_token=code_at(totp, 0))

    assert response.status_code == 302, response.content
    assert client.get("/admin/").status_code == 200


def test_a_wrong_code_does_not_open_the_admin(staff, totp):
    client = Client()
    wrong = f"{(int(code_at(totp, 0)) + 1) % 1_000_000:06d}"

    admin_login(client, staff, otp_token=wrong)

    assert client.get("/admin/").status_code == 302


def test_staff_without_a_device_are_kept_out_while_codes_are_required(staff):
    client = Client()

    admin_login(client, staff)

    assert client.get("/admin/").status_code == 302


def test_staff_without_a_device_get_in_when_codes_are_not_required(staff, settings):
    settings.MFA_REQUIRED_FOR_STAFF = False
    client = Client()

    admin_login(client, staff)

    assert client.get("/admin/").status_code == 200
