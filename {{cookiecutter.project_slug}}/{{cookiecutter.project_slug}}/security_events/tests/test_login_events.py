"""Every login, by token or through the admin, is recorded; refused ones too."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.security_events.models import SecurityEvent

from tests.helpers import PASSWORD, WRONG_PASSWORD, admin_login

pytestmark = pytest.mark.django_db

USERNAME_FIELD = get_user_model().USERNAME_FIELD


def obtain(client, login_name, password, **headers):
    return client.post(
        "/api/token/",
        {USERNAME_FIELD: login_name, "password": password},
        format="json",
        REMOTE_ADDR="198.51.100.20",
        HTTP_USER_AGENT="phone-app/2.1",
        **headers,
    )


def test_a_token_login_is_recorded(api_client, user):
    response = obtain(api_client, user.get_username(), PASSWORD)

    assert response.status_code == 200
    event = SecurityEvent.objects.get()
    assert event.kind == SecurityEvent.Kind.LOGIN_SUCCEEDED
    assert event.user == user
    assert event.login_name == user.get_username()
    assert event.client_address == "198.51.100.20"
    assert event.user_agent == "phone-app/2.1"
    assert event.details == {"path": "/api/token/"}


def test_a_wrong_password_is_recorded_by_login_name(api_client, user):
    response = obtain(api_client, user.get_username(), WRONG_PASSWORD)

    assert response.status_code == 401
    event = SecurityEvent.objects.get()
    assert event.kind == SecurityEvent.Kind.LOGIN_FAILED
    assert event.user is None
    assert event.login_name == user.get_username()
    assert event.client_address == "198.51.100.20"
    assert WRONG_PASSWORD not in str(event.details)


def test_an_unknown_login_name_is_recorded(api_client):
    obtain(api_client, "mallory", WRONG_PASSWORD)

    event = SecurityEvent.objects.get()
    assert (event.kind, event.login_name) == ("login_failed", "mallory")


def test_an_inactive_users_correct_password_is_a_failure(api_client, user):
    user.is_active = False
    user.save()

    assert obtain(api_client, user.get_username(), PASSWORD).status_code == 401
    assert SecurityEvent.objects.get().kind == SecurityEvent.Kind.LOGIN_FAILED


def test_admin_logins_are_recorded(client, staff):
    admin_login(client, staff.get_username(), WRONG_PASSWORD)
    admin_login(client, staff.get_username(), PASSWORD)

    events = SecurityEvent.objects.order_by("pk")
    assert [(event.kind, event.login_name) for event in events] == [
        ("login_failed", staff.get_username()),
        ("login_succeeded", staff.get_username()),
    ]
    assert events[1].user == staff
    assert events[1].details == {"path": "/admin/login/"}


def test_token_logins_update_last_login_only_when_configured(api_client, user):
    obtain(api_client, user.get_username(), PASSWORD)

    user.refresh_from_db()
    # UPDATE_LAST_LOGIN decides for token logins, although they now send
    # user_logged_in, to which Django connects its own update.
    assert (user.last_login is not None) is api_settings.UPDATE_LAST_LOGIN


def test_admin_logins_still_update_last_login(client, staff):
    admin_login(client, staff.get_username(), PASSWORD)

    staff.refresh_from_db()
    assert staff.last_login is not None


def test_a_login_whose_event_cannot_be_saved_still_succeeds(api_client, user):
    with mock.patch.object(SecurityEvent._meta, "db_table", "no_such_table"):
        response = obtain(api_client, user.get_username(), PASSWORD)

    assert response.status_code == 200
    assert "access" in response.json()
