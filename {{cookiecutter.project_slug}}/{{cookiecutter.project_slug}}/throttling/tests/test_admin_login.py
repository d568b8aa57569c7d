"""The admin's login form counts password attempts, with the rates of /api/token/."""

import pytest

from tests.helpers import (
    NEW_PASSWORD,
    OBTAIN_PER_CLIENT,
    OBTAIN_PER_USERNAME,
    PASSWORD,
    WRONG_PASSWORD,
    admin_login,
    assert_throttled_form,
    change_password,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("low_rates")]


# --- The admin's login form counts with /api/token/ ----------------------------------


def test_the_right_password_logs_in_to_the_admin(client, staff):
    response = admin_login(client, staff.get_username(), PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_wrong_admin_passwords_for_one_username_end_in_429(client, staff):
    statuses = [
        admin_login(
            client, staff.get_username(), address=f"192.0.2.{number}"
        ).status_code
        for number in range(OBTAIN_PER_USERNAME)
    ]

    assert statuses == [200] * OBTAIN_PER_USERNAME
    response = admin_login(client, staff.get_username(), PASSWORD, address="192.0.2.99")
    assert_throttled_form(response)
    assert "_auth_user_id" not in client.session


def test_throttled_admin_attempts_are_logged(client, staff, caplog):
    for _ in range(OBTAIN_PER_USERNAME + 1):
        admin_login(client, staff.get_username())

    assert "Throttled: POST /admin/login/ from 192.0.2.1" in caplog.text
    assert WRONG_PASSWORD not in caplog.text


def test_one_client_guessing_admin_usernames_ends_in_429(client):
    for number in range(OBTAIN_PER_CLIENT):
        assert admin_login(client, f"guess{number}").status_code == 200

    assert_throttled_form(admin_login(client, "another-guess"))


def test_a_respelled_admin_username_shares_the_counter(client, staff):
    for number in range(OBTAIN_PER_USERNAME):
        admin_login(client, staff.get_username(), address=f"192.0.2.{number}")

    response = admin_login(
        client,
        f"\u3000{staff.get_username().upper()}\t",
        PASSWORD,
        address="192.0.2.99",
    )

    assert_throttled_form(response)


def test_the_login_form_fails_closed_when_the_cache_is_unreachable(
    client, staff, unreachable_cache
):
    response = admin_login(client, staff.get_username(), PASSWORD)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Signing in is unavailable for a moment." in response.content.decode()


# --- The admin's password change form checks a password too --------------------------


def test_wrong_old_passwords_in_the_admin_end_in_429(client, staff):
    client.force_login(staff)
    statuses = [
        change_password(client, address=f"192.0.2.{number}").status_code
        for number in range(OBTAIN_PER_USERNAME)
    ]

    assert statuses == [200] * OBTAIN_PER_USERNAME
    response = change_password(client, PASSWORD, address="192.0.2.99")
    assert_throttled_form(response, field="old_password")
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_one_client_changing_passwords_in_the_admin_ends_in_429(client, staff):
    client.force_login(staff)
    for _ in range(OBTAIN_PER_CLIENT):
        change_password(client)

    assert_throttled_form(change_password(client, PASSWORD), field="old_password")


def test_the_right_old_password_changes_it_in_the_admin(client, staff):
    client.force_login(staff)

    response = change_password(client, PASSWORD)

    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
