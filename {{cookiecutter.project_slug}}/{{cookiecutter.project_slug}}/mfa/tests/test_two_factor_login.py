"""A login with a second factor: the password answers an mfa_token, a code the tokens."""

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.mfa.models import LoginChallenge
from {{ cookiecutter.project_slug }}.security_events.models import SecurityEvent
from {{ cookiecutter.project_slug }}.users.models import User

from .two_factor import challenge, code_at, enrol, obtain, second_step
from tests.helpers import PASSWORD, authorization_header, token_part

pytestmark = pytest.mark.django_db


@pytest.fixture
def enrolled(api_client: APIClient, tokens: dict[str, str]):
    """The TOTP and recovery codes of ``user``, enrolled with its first tokens."""
    return enrol(api_client, tokens["access"])


def test_a_user_without_a_device_logs_in_with_the_password_alone(api_client, user):
    response = obtain(api_client, user)

    assert response.status_code == 200
    assert "mfa_required" not in response.json()
    assert "amr" not in token_part(response.json()["access"], 1)


def test_an_enrolled_user_gets_an_mfa_token_and_no_tokens(api_client, user, enrolled):
    response = obtain(api_client, user)

    assert response.status_code == 200
    body = response.json()
    assert body["mfa_required"] is True
    assert body["expires_in"] == 300
    assert set(body) == {"mfa_required", "mfa_token", "expires_in"}
    assert not response.cookies.get("refresh_token")


def test_a_code_finishes_the_login_with_amr(api_client, user, enrolled):
    totp, _codes = enrolled
    body = challenge(api_client, user)

    response = second_step(api_client, body["mfa_token"], code_at(totp, 0))

    assert response.status_code == 200, response.content
    access = response.json()["access"]
    assert token_part(access, 1)["amr"] == ["pwd", "otp"]
    assert token_part(access, 1)["sub"] == str(user.pk)


def test_the_same_code_is_refused_a_second_time(api_client, user, enrolled):
    totp, _codes = enrolled
    code = code_at(totp, 0)
    first = second_step(api_client, challenge(api_client, user)["mfa_token"], code)
    assert first.status_code == 200

    again = second_step(api_client, challenge(api_client, user)["mfa_token"], code)

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_code"


def test_the_code_that_confirmed_the_device_cannot_log_in(api_client, user, enrolled):
    totp, _codes = enrolled

    response = second_step(
        api_client, challenge(api_client, user)["mfa_token"], code_at(totp, -1)
    )

    assert response.status_code == 400


def test_an_mfa_token_works_once(api_client, user, enrolled):
    totp, _codes = enrolled
    mfa_token = challenge(api_client, user)["mfa_token"]
    assert second_step(api_client, mfa_token, code_at(totp, 0)).status_code == 200

    again = second_step(api_client, mfa_token, code_at(totp, 1))

    assert again.status_code == 401
    assert again.json()["code"] == "mfa_token_invalid"


def test_five_wrong_codes_kill_the_mfa_token(api_client, user, enrolled):
    totp, _codes = enrolled
    mfa_token = challenge(api_client, user)["mfa_token"]
    right = code_at(totp, 0)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        assert second_step(api_client, mfa_token, wrong).status_code == 400

    response = second_step(api_client, mfa_token, right)

    assert response.status_code == 401
    assert LoginChallenge.objects.get().failures == 5
    assert response.json()["code"] == "mfa_token_invalid"


def test_an_unknown_mfa_token_is_refused(api_client, user, enrolled):
    response = second_step(api_client, "not-a-token", "123456")

    assert response.status_code == 401


def test_a_recovery_code_logs_in_once(api_client, user, enrolled):
    _totp, codes = enrolled
    assert len(codes) == 10

    mfa_token = challenge(api_client, user)["mfa_token"]
    first = second_step(api_client, mfa_token, codes[0].upper())
    again = second_step(api_client, challenge(api_client, user)["mfa_token"], codes[0])

    assert first.status_code == 200, first.content
    assert token_part(first.json()["access"], 1)["amr"] == ["pwd", "otp"]
    assert again.status_code == 400
    status = api_client.get(
        "/api/mfa/", HTTP_AUTHORIZATION=authorization_header(first.json()["access"])
    )
    assert status.json() == {"totp": True, "recovery_codes_remaining": 9}
    assert SecurityEvent.objects.filter(kind="recovery_code_used").count() == 1


def test_recovery_codes_are_stored_as_digests(user, enrolled):
    from django_otp.plugins.otp_static.models import StaticToken  # noqa: PLC0415

    _totp, codes = enrolled
    stored = set(StaticToken.objects.values_list("token", flat=True))

    assert stored
    assert not stored & ({code.replace("-", "") for code in codes} | set(codes))


def test_a_new_password_kills_the_mfa_token(api_client, user, enrolled):
    totp, _codes = enrolled
    mfa_token = challenge(api_client, user)["mfa_token"]
    user.set_password("another password entirely")
    user.save()

    response = second_step(api_client, mfa_token, code_at(totp, 0))

    assert response.status_code == 401


{%- if cookiecutter.token_transport == "header" %}


def test_refresh_keeps_amr(api_client, user, enrolled):
    totp, _codes = enrolled
    mfa_token = challenge(api_client, user)["mfa_token"]
    login = second_step(api_client, mfa_token, code_at(totp, 0))

    refreshed = api_client.post(
        "/api/token/refresh/", {"refresh": login.json()["refresh"]}, format="json"
    )

    assert refreshed.status_code == 200
    assert token_part(refreshed.json()["access"], 1)["amr"] == ["pwd", "otp"]
{%- else %}


def test_the_login_sets_the_refresh_cookie_and_refresh_keeps_amr(user, enrolled):
    from django.conf import settings  # noqa: PLC0415

    # A client as a browser is: cookies only (the suite's api_client reads
    # them back into bodies).
    browser = APIClient()
    totp, _codes = enrolled
    mfa_token = challenge(browser, user)["mfa_token"]
    login = second_step(browser, mfa_token, code_at(totp, 0))
    assert login.status_code == 200
    assert set(login.json()) == {"access"}
    assert login.cookies[settings.REFRESH_COOKIE_NAME].value

    csrf = browser.cookies[settings.CSRF_COOKIE_NAME].value
    refreshed = browser.post("/api/token/refresh/", HTTP_X_CSRFTOKEN=csrf)

    assert refreshed.status_code == 200, refreshed.content
    assert token_part(refreshed.json()["access"], 1)["amr"] == ["pwd", "otp"]
{%- endif %}


def test_the_login_is_a_security_event(api_client, user, enrolled):
    second_step(api_client, challenge(api_client, user)["mfa_token"], "000000")

    kinds = list(SecurityEvent.objects.values_list("kind", flat=True))

    assert "mfa_enabled" in kinds
    assert "mfa_challenged" in kinds
    assert "mfa_code_refused" in kinds


def test_the_endpoints_fail_closed_without_the_cache(
    api_client, user, enrolled, unreachable_cache
):
    response = second_step(api_client, "any", "123456")

    assert response.status_code == 503
    assert "Retry-After" in response


def test_staff_without_a_device_get_only_an_enrolment_token(api_client, staff: User):
    response = obtain(api_client, staff)

    assert response.status_code == 200
    body = response.json()
    assert body["mfa_enrolment_required"] is True
    assert "access" not in body


def test_staff_enrol_with_the_enrolment_token_then_log_in_with_a_code(
    api_client, staff: User
):
    import pyotp  # noqa: PLC0415

    mfa_token = obtain(api_client, staff).json()["mfa_token"]
    setup = api_client.post("/api/mfa/totp/setup/", {"mfa_token": mfa_token})
    assert setup.status_code == 200, setup.content
    totp = pyotp.TOTP(setup.json()["secret"])
    # The enrolment token cannot log in.
    assert second_step(api_client, mfa_token, code_at(totp, 0)).status_code == 401
    confirm = api_client.post(
        "/api/mfa/totp/confirm/", {"mfa_token": mfa_token, "code": code_at(totp, -1)}
    )
    assert confirm.status_code == 200, confirm.content

    mfa_token = challenge(api_client, staff)["mfa_token"]
    login = second_step(api_client, mfa_token, code_at(totp, 0))

    assert login.status_code == 200
    assert token_part(login.json()["access"], 1)["amr"] == ["pwd", "otp"]


def test_staff_get_tokens_when_mfa_is_not_required_for_them(
    api_client, staff: User, settings
):
    settings.MFA_REQUIRED_FOR_STAFF = False

    response = obtain(api_client, staff)

    assert "access" in response.json()


def test_an_inactive_users_mfa_token_is_refused(api_client, user, enrolled):
    totp, _codes = enrolled
    mfa_token = challenge(api_client, user)["mfa_token"]
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)

    assert second_step(api_client, mfa_token, code_at(totp, 0)).status_code == 401


def test_turning_it_off_needs_the_password_and_a_code_and_emails_a_notice(
    api_client, user, enrolled, mailoutbox
):
    totp, _codes = enrolled
    mfa_token = challenge(api_client, user)["mfa_token"]
    login = second_step(api_client, mfa_token, code_at(totp, 0)).json()
    header = authorization_header(login["access"])
    refused = api_client.delete(
        "/api/mfa/totp/",
        {"password": "not the password", "code": code_at(totp, 1)},
        HTTP_AUTHORIZATION=header,
    )
    assert refused.status_code == 400

    response = api_client.delete(
        "/api/mfa/totp/",
        {"password": PASSWORD, "code": code_at(totp, 1)},
        HTTP_AUTHORIZATION=header,
    )

    assert response.status_code == 204
    assert "mfa_required" not in obtain(api_client, user).json()
    [notice] = mailoutbox
    assert notice.subject.startswith("Two-factor login was turned off")
    assert notice.to == [user.email]
