"""Refresh token rotation: every refresh hands out a new refresh token."""

import pytest
{%- if cookiecutter.blacklist_after_rotation %}
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from .helpers import token_part
{%- endif %}

pytestmark = pytest.mark.django_db


def refresh(api_client, token):
    return api_client.post("/api/token/refresh/", {"refresh": token}, format="json")


def test_refresh_issues_a_new_refresh_token(api_client, tokens):
    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    assert response.json()["refresh"] != tokens["refresh"]


def test_the_new_refresh_token_works(api_client, tokens):
    rotated = refresh(api_client, tokens["refresh"]).json()["refresh"]

    assert refresh(api_client, rotated).status_code == 200
{%- if cookiecutter.blacklist_after_rotation %}


def test_a_token_missing_from_the_outstanding_list_still_rotates_once(
    api_client, tokens
):
    # Tokens issued before the blacklist was installed have no outstanding entry.
    jti = token_part(tokens["refresh"], 1)["jti"]
    OutstandingToken.objects.filter(jti=jti).delete()

    assert refresh(api_client, tokens["refresh"]).status_code == 200
    assert refresh(api_client, tokens["refresh"]).status_code == 401


def test_refresh_token_cannot_be_used_twice_after_rotation(api_client, tokens):
    assert refresh(api_client, tokens["refresh"]).status_code == 200

    second = refresh(api_client, tokens["refresh"])

    assert second.status_code == 401
    assert second.json()["code"] == "token_not_valid"
{%- else %}


def test_the_old_refresh_token_stays_valid_without_blacklisting(api_client, tokens):
    assert refresh(api_client, tokens["refresh"]).status_code == 200

    assert refresh(api_client, tokens["refresh"]).status_code == 200
{%- endif %}
