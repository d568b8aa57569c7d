"""Open sign-up and email verification: sign up, confirm, log in."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail

from .links import link_values
{%- if cookiecutter.email_verification == "mandatory" %}
from tests.helpers import (
    LOGIN_FIELD,
    PASSWORD,
    create_user,
    documented_body,
    undocumented,
)
{%- else %}
from tests.helpers import LOGIN_FIELD, PASSWORD, create_user
{%- endif %}

pytestmark = pytest.mark.django_db

SIGNUP = "/api/account/signup/"
VERIFY = "/api/account/email/verify/"
RESEND = "/api/account/email/verify/resend/"
ADDRESS = "new.person@example.com"


def signup(client, address=ADDRESS, password=PASSWORD):
    body = {"email": address, "password": password}
    if LOGIN_FIELD != "email":
        body[LOGIN_FIELD] = "newperson"
    return client.post(SIGNUP, body, format="json")


def login(client, address=ADDRESS):
    name = address if LOGIN_FIELD == "email" else "newperson"
    return client.post(
        "/api/token/", {LOGIN_FIELD: name, "password": PASSWORD}, format="json"
    )


def test_sign_up_then_verify_then_log_in(api_client):
    assert signup(api_client).status_code == 202
    values = link_values("verify-email")

    verified = api_client.post(VERIFY, values, format="json")

    assert verified.status_code == 200, verified.content
    assert "access" not in verified.json()
    assert login(api_client).status_code == 200


def test_an_unverified_login_follows_the_verification_answer(api_client):
    signup(api_client)

    response = login(api_client)

    if settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory":
        assert response.status_code == 403
        assert response.json()["code"] == "email_not_verified"
    else:
        assert response.status_code == 200
{%- if cookiecutter.email_verification == "mandatory" %}


def test_the_unverified_login_answers_the_documented_403(api_client, schema):
    signup(api_client)

    response = login(api_client)

    assert response.status_code == 403
    documented = schema["paths"]["/api/token/"]["post"]["responses"]["403"]
    assert "email_not_verified" in documented["description"]
    body = documented_body(schema, "/api/token/", "post", 403)
    assert undocumented(schema, body, response.json()) == []
{%- endif %}


def test_an_unverified_wrong_password_is_a_plain_401(api_client):
    signup(api_client)
    name = ADDRESS if LOGIN_FIELD == "email" else "newperson"

    response = api_client.post(
        "/api/token/", {LOGIN_FIELD: name, "password": "wrong"}, format="json"
    )

    assert response.status_code == 401


def test_an_existing_address_gets_the_same_answer_and_an_email(api_client):
    existing = create_user("taken")

    response = signup(api_client, existing.email.upper())
    fresh = signup(api_client)

    assert response.status_code == fresh.status_code == 202
    assert response.json() == fresh.json()
    assert get_user_model().objects.filter(email__iexact=existing.email).count() == 1
    assert "already have" in mail.outbox[0].subject


def test_a_weak_password_or_bad_address_is_a_400(api_client):
    assert signup(api_client, password="123").status_code == 400
    assert signup(api_client, address="not-an-address").status_code == 400
    assert not get_user_model().objects.filter(email=ADDRESS).exists()


def test_a_verification_token_works_once(api_client):
    signup(api_client)
    values = link_values("verify-email")
    api_client.post(VERIFY, values, format="json")

    again = api_client.post(VERIFY, values, format="json")

    assert again.status_code == 400
    assert again.json()["code"] == "invalid_token"


def test_a_login_does_not_break_the_verification_link(api_client, settings):
    signup(api_client)
    values = link_values("verify-email")
    user = get_user_model().objects.get(email=ADDRESS)
    user.last_login = user.date_joined
    user.save()

    assert api_client.post(VERIFY, values, format="json").status_code == 200


def test_resend_answers_alike_and_mails_only_unverified_accounts(api_client):
    signup(api_client)
    mail.outbox.clear()
    create_user("verified")

    answers = [
        api_client.post(RESEND, {"email": address}, format="json")
        for address in (ADDRESS, "verified@example.com", "nobody@example.com")
    ]

    assert {response.status_code for response in answers} == {202}
    assert len({str(response.json()) for response in answers}) == 1
    assert [message.to for message in mail.outbox] == [[ADDRESS]]
