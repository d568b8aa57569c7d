"""Claims of JWT_CLAIMS_HOOK: in access tokens only, computed at every obtain and refresh."""

import logging

import pytest
from django.contrib.auth.models import Group

from {{ cookiecutter.project_slug }}.issuer.access_claims import (
    ClaimsRuleError,
    check_claims,
    reserved_claims,
)
from {{ cookiecutter.project_slug }}.issuer.checks import check_claims_hook
from {{ cookiecutter.project_slug }}.issuer.serializers import blacklist_is_installed
from {{ cookiecutter.project_slug }}.jwt_auth.tests.protected_views import URLS

from tests.helpers import PASSWORD, authorization_header, refresh, token_part

pytestmark = pytest.mark.django_db

HOOK = "{{ cookiecutter.project_slug }}.issuer.tests.test_access_claims"


def failing_hook(user):
    message = "the directory is down"
    raise RuntimeError(message)


def reserved_hook(user):
    return {"sub": "someone else"}


def huge_hook(user):
    return {"note": "x" * 5000}


def not_json_hook(user):
    return {"when": object()}


def recorded_tokens():
    """Return how many refresh tokens the blacklist recorded (0 without it)."""
    if not blacklist_is_installed():
        return 0
    # Importable only when the blacklist app is installed.
    from rest_framework_simplejwt.token_blacklist.models import (  # noqa: PLC0415
        OutstandingToken,
    )

    return OutstandingToken._default_manager.count()


def obtain(api_client, user):
    return api_client.post(
        "/api/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )


def claims_of(token):
    return token_part(token, 1)


def test_the_default_hook_puts_the_users_groups_in_the_access_token_as_roles(
    api_client, user
):
    user.groups.add(Group.objects.create(name="editors"))
    user.groups.add(Group.objects.create(name="auditors"))

    tokens = obtain(api_client, user).json()

    assert claims_of(tokens["access"])["roles"] == ["auditors", "editors"]


def test_the_refresh_token_carries_no_roles(api_client, user):
    user.groups.add(Group.objects.create(name="editors"))

    tokens = obtain(api_client, user).json()

    assert "roles" not in claims_of(tokens["refresh"])


def test_a_group_change_shows_at_the_next_refresh(api_client, user):
    editors = Group.objects.create(name="editors")
    tokens = obtain(api_client, user).json()
    assert claims_of(tokens["access"])["roles"] == []

    user.groups.add(editors)
    added = refresh(api_client, tokens["refresh"])
    assert added.status_code == 200, added.content
    assert claims_of(added.json()["access"])["roles"] == ["editors"]

    user.groups.remove(editors)
    removed = refresh(api_client, added.json().get("refresh", tokens["refresh"]))
    assert removed.status_code == 200, removed.content
    assert claims_of(removed.json()["access"])["roles"] == []


def test_without_a_hook_access_tokens_carry_no_roles(api_client, user, settings):
    settings.JWT_CLAIMS_HOOK = ""

    tokens = obtain(api_client, user).json()

    assert "roles" not in claims_of(tokens["access"])


@pytest.mark.parametrize(
    "hook", ["failing_hook", "reserved_hook", "huge_hook", "not_json_hook"]
)
def test_a_hook_that_fails_or_breaks_a_rule_stops_the_login_with_503(
    api_client, user, settings, caplog, hook
):
    settings.JWT_CLAIMS_HOOK = f"{HOOK}.{hook}"
    issued = recorded_tokens()

    with caplog.at_level(logging.ERROR):
        response = obtain(api_client, user)

    assert response.status_code == 503
    assert response.json()["code"] == "claims_unavailable"
    assert "access" not in response.json()
    assert recorded_tokens() == issued
    assert f"JWT_CLAIMS_HOOK {HOOK}.{hook} failed" in caplog.text


def test_a_hook_that_fails_stops_the_refresh_with_503_and_leaves_the_token_usable(
    api_client, user, settings
):
    tokens = obtain(api_client, user).json()
    settings.JWT_CLAIMS_HOOK = f"{HOOK}.failing_hook"

    response = refresh(api_client, tokens["refresh"])

    assert response.status_code == 503
    assert response.json()["code"] == "claims_unavailable"
    settings.JWT_CLAIMS_HOOK = ""
    assert refresh(api_client, tokens["refresh"]).status_code == 200


def test_every_claim_the_service_relies_on_is_reserved():
    assert {"iss", "sub", "aud", "exp", "jti", "typ", "client_id", "scope", "amr"} <= (
        reserved_claims()
    )
    assert {"sid", "token_type"} <= reserved_claims()


def test_claims_over_the_cap_are_refused(settings):
    settings.JWT_CLAIMS_MAX_BYTES = 20

    assert check_claims({"roles": ["a"]}) == len('{"roles":["a"]}')
    with pytest.raises(ClaimsRuleError, match="over JWT_CLAIMS_MAX_BYTES=20"):
        check_claims({"roles": ["a much longer role name"]})


def test_the_roles_of_a_user_in_50_groups_fit_the_default_cap(api_client, user):
    groups = Group.objects.bulk_create(
        Group(name=f"team-{number:02}-members") for number in range(50)
    )
    user.groups.add(*groups)

    tokens = obtain(api_client, user).json()

    assert len(claims_of(tokens["access"])["roles"]) == 50


def test_me_answers_the_roles_the_access_token_carries(api_client, user):
    user.groups.add(Group.objects.create(name="editors"))
    tokens = obtain(api_client, user).json()

    response = api_client.get(
        "/api/me/", HTTP_AUTHORIZATION=authorization_header(tokens["access"])
    )

    assert response.status_code == 200
    assert (response.json()["roles"], response.json()["scopes"]) == (["editors"], [])


def test_a_role_from_the_hook_opens_a_view_that_needs_it(api_client, user, settings):
    user.groups.add(Group.objects.create(name="editor"))
    with_role = obtain(api_client, user).json()["access"]
    user.groups.clear()
    without_role = refresh(api_client, obtain(api_client, user).json()["refresh"])
    settings.ROOT_URLCONF = URLS

    allowed = api_client.get(
        "/editors/", HTTP_AUTHORIZATION=authorization_header(with_role)
    )
    refused = api_client.get(
        "/editors/",
        HTTP_AUTHORIZATION=authorization_header(without_role.json()["access"]),
    )

    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert refused.json()["code"] == "insufficient_role"


@pytest.mark.parametrize(
    ("hook", "problem"),
    [
        ("nowhere.to_be_found", "cannot be imported"),
        (f"{HOOK}.HOOK", "is not a function"),
    ],
)
def test_a_hook_that_names_no_function_stops_the_start(settings, hook, problem):
    settings.JWT_CLAIMS_HOOK = hook

    (error,) = check_claims_hook()

    assert error.id == "jwt_auth.E021"
    assert problem in error.msg


def test_the_default_hook_and_no_hook_pass_the_start_check(settings):
    assert check_claims_hook() == []
    settings.JWT_CLAIMS_HOOK = ""
    assert check_claims_hook() == []
