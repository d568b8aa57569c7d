"""Verify answers yes only for a token the service would accept for its use.

An access token is checked as the protected endpoints check it (same code,
same answer); a refresh token gets the same checks of its user. That verify
accepts the tokens of an active user is in test_endpoints.py, that it refuses
a refresh token after logout in test_logout.py.
"""

import pytest

from tests.helpers import authorization_header, verify

pytestmark = pytest.mark.django_db


def change_password(user):
    user.set_password("a new password, chosen after a leak")
    user.save()


def deactivate(user):
    user.is_active = False
    user.save()


def delete(user):
    user.delete()


CHANGES = {
    "password changed": change_password,
    "deactivated": deactivate,
    "deleted": delete,
}


@pytest.mark.parametrize("kind", ["access", "refresh"])
@pytest.mark.parametrize("change", CHANGES)
def test_verify_refuses_the_tokens_of_a_changed_user(
    api_client, tokens, user, change, kind
):
    CHANGES[change](user)

    response = verify(api_client, tokens[kind])

    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("change", CHANGES)
def test_verify_answers_an_access_token_as_the_protected_endpoints_do(
    api_client, tokens, user, change
):
    CHANGES[change](user)

    verified = verify(api_client, tokens["access"])
    used = api_client.get(
        "/api/", HTTP_AUTHORIZATION=authorization_header(tokens["access"])
    )

    assert (verified.status_code, verified.json()) == (used.status_code, used.json())
