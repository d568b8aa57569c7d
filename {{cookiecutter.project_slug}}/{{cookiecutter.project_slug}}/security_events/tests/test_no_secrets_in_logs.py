"""No password or token reaches any log line while users log in and refresh."""

import pytest
from django.contrib.auth import get_user_model

from .event_logs import every_log_line, security_lines
from tests.helpers import PASSWORD, WRONG_PASSWORD, refresh, verify

pytestmark = pytest.mark.django_db

USERNAME_FIELD = get_user_model().USERNAME_FIELD


def test_a_login_and_refresh_flow_logs_events_but_no_secret(api_client, user):
    login_name = user.get_username()
    with every_log_line() as lines:
        refused = api_client.post(
            "/api/token/",
            {USERNAME_FIELD: login_name, "password": WRONG_PASSWORD},
            format="json",
        )
        tokens = api_client.post(
            "/api/token/",
            {USERNAME_FIELD: login_name, "password": PASSWORD},
            format="json",
        ).json()
        refreshed = refresh(api_client, tokens["refresh"]).json()
        verify(api_client, refreshed["access"])
        refresh(api_client, "not.a.token")

    assert refused.status_code == 401
    assert [event["event"] for event in security_lines(lines)] == [
        "login_failed",
        "login_succeeded",
    ]
    secrets = [PASSWORD, WRONG_PASSWORD, *tokens.values(), *refreshed.values()]
    for line in lines:
        for secret in secrets:
            assert secret not in line
