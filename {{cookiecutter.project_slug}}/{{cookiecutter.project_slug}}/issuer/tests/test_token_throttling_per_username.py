"""Brute-force throttling per username: every spelling, every device, the admin too.

With the real classes and low rates; the per-client limits are in
``test_token_throttling_per_client.py``.
"""

import json
import sys

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from {{ cookiecutter.project_slug }}.throttling.devices import DEVICE_COOKIE_NAME, SALT

from .token_requests import assert_throttled, obtain
from tests.helpers import (
    OBTAIN_PER_USERNAME,
    PASSWORD,
    admin_login,
    assert_throttled_form,
    change_password,
    create_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("low_rates")]


def test_wrong_passwords_for_one_username_end_in_429(api_client, user):
    statuses = [
        obtain(api_client, user.get_username()).status_code
        for _ in range(OBTAIN_PER_USERNAME)
    ]

    assert statuses == [401] * OBTAIN_PER_USERNAME
    assert_throttled(obtain(api_client, user.get_username()))


def test_the_right_password_is_throttled_too_once_the_limit_is_hit(api_client, user):
    for _ in range(OBTAIN_PER_USERNAME):
        obtain(api_client, user.get_username())

    assert_throttled(obtain(api_client, user.get_username(), PASSWORD))


def test_username_limit_holds_across_client_addresses(api_client, user):
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, user.get_username(), REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(obtain(api_client, user.get_username(), REMOTE_ADDR="192.0.2.99"))


# --- A device that logged in before keeps its own budget (OWASP device cookies) -------


@pytest.fixture
def attacker():
    """Another client: no cookie of the user's device."""
    return APIClient()


def exhaust_the_username_limit(client, user):
    for number in range(OBTAIN_PER_USERNAME):
        obtain(client, user.get_username(), REMOTE_ADDR=f"203.0.113.{number}")


def test_a_device_that_logged_in_before_keeps_its_own_budget(
    api_client, attacker, user
):
    assert obtain(api_client, user.get_username(), PASSWORD).status_code == 200
    exhaust_the_username_limit(attacker, user)

    owner = obtain(api_client, user.get_username(), PASSWORD, REMOTE_ADDR="192.0.2.7")

    assert owner.status_code == 200, owner.content
    assert_throttled(
        obtain(attacker, user.get_username(), PASSWORD, REMOTE_ADDR="203.0.113.99")
    )


def test_the_device_cookie_is_httponly_and_sent_to_the_login_only(api_client, user):
    response = obtain(api_client, user.get_username(), PASSWORD)

    cookie = response.cookies[DEVICE_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["path"] == "/api/token/"
    assert cookie["samesite"] == "Strict"
    assert user.get_username() not in cookie.value


def test_a_device_has_a_limit_of_its_own(api_client, user):
    assert obtain(api_client, user.get_username(), PASSWORD).status_code == 200
    for number in range(OBTAIN_PER_USERNAME):
        response = obtain(
            api_client, user.get_username(), REMOTE_ADDR=f"192.0.2.{number}"
        )
        assert response.status_code == 401

    assert_throttled(obtain(api_client, user.get_username(), REMOTE_ADDR="192.0.2.99"))


def test_the_device_cookie_of_another_user_gives_no_budget(api_client, attacker, user):
    other = create_user("mallory")
    assert obtain(api_client, other.get_username(), PASSWORD).status_code == 200
    exhaust_the_username_limit(attacker, user)

    assert_throttled(
        obtain(api_client, user.get_username(), PASSWORD, REMOTE_ADDR="192.0.2.8")
    )


def test_a_forged_device_cookie_gives_no_budget(api_client, attacker, user):
    obtain(api_client, user.get_username(), PASSWORD)
    genuine = api_client.cookies[DEVICE_COOKIE_NAME].value
    # The same user and device, signed with another key.
    claims = signing.loads(genuine, salt=SALT)
    with override_settings(SECRET_KEY="another secret key, not the service's own"):
        forged = signing.dumps(claims, salt=SALT)
    attacker.cookies[DEVICE_COOKIE_NAME] = forged
    exhaust_the_username_limit(APIClient(), user)

    assert_throttled(
        obtain(attacker, user.get_username(), PASSWORD, REMOTE_ADDR="192.0.2.9")
    )


def test_each_username_has_a_window_of_its_own(api_client):
    # Windows that all end at the top of the hour (or day) would let every
    # guesser start again at the same moment; each counter's ends on its own.
    waits = set()
    for username in ("alice", "bob", "carol"):
        for number in range(OBTAIN_PER_USERNAME):
            obtain(api_client, username, REMOTE_ADDR=f"192.0.2.{number}")
        response = obtain(api_client, username, REMOTE_ADDR="192.0.2.99")
        assert_throttled(response)
        waits.add(int(response["Retry-After"]))

    assert len(waits) == 3


def test_username_limit_ignores_letter_case(api_client, user):
    for number, name in enumerate(["alice", "ALICE", "Alice"]):
        obtain(api_client, name, REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(obtain(api_client, "aLiCe", REMOTE_ADDR="192.0.2.99"))


# --- Every spelling of a username shares its counter ---------------------------------

# Every character str.strip() removes, as DRF's and Django's fields do.
WHITESPACE = "".join(
    character
    for character in map(chr, range(sys.maxunicode + 1))
    if character.isspace()
)


def fullwidth(text):
    """Return ``text`` in fullwidth letters: the same after NFKC."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


SPELLINGS = {
    "space before": " {}".format,
    "space after": "{} ".format,
    "tab and newline": "\t{}\n".format,
    "no-break space": "\u00a0{}".format,
    "em space": "{}\u2003".format,
    "ideographic spaces": "\u3000{}\u3000".format,
    "upper case": str.upper,
    "fullwidth": fullwidth,
}


@pytest.mark.parametrize("respell", SPELLINGS.values(), ids=SPELLINGS)
def test_a_respelled_username_shares_the_counter(api_client, user, respell):
    login = user.get_username()
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, login, REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(
        obtain(api_client, respell(login), PASSWORD, REMOTE_ADDR="192.0.2.99")
    )
{%- if cookiecutter.login_field == "username" %}


def test_a_number_for_a_numeric_username_shares_the_counter(api_client, db):
    create_user("4217")
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, "4217", REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled(obtain(api_client, 4217, PASSWORD, REMOTE_ADDR="192.0.2.99"))
{%- endif %}


def spellings_of(username):
    """Strings (and, for a number, the number) that may authenticate as ``username``."""
    padding = st.lists(st.sampled_from(WHITESPACE), max_size=3).map("".join)
    cased = st.sampled_from(
        [username, username.upper(), username.title(), username.swapcase()]
    )
    spelled = st.builds(
        lambda before, name, after: before + name + after, padding, cased, padding
    )
    if username.isdigit():
        return st.one_of(spelled, st.just(int(username)))
    return spelled


@pytest.mark.parametrize("name", ["alice", "4217", "Zoë"])
def test_every_spelling_that_authenticates_shares_the_counter(
    api_client, db, settings, name
):
    username = create_user(name).get_username()
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        | {"token_obtain_per_username": "1/day"},
    }

    @hypothesis_settings(
        max_examples=60,
        deadline=None,
        database=None,  # No .hypothesis/ folder: the examples are cheap to find.
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(spelling=spellings_of(username))
    def only_the_first_attempt_counts(spelling):
        cache.clear()
        obtain(api_client, username, REMOTE_ADDR="192.0.2.1")
        response = obtain(api_client, spelling, PASSWORD, REMOTE_ADDR="192.0.2.2")
        # Throttled, or refused because it is not the user: never logged in.
        assert response.status_code in {401, 429}, json.dumps(spelling)

    only_the_first_attempt_counts()


# --- The admin's login form counts with /api/token/ ----------------------------------


def test_attempts_through_the_api_count_for_the_admin(client, api_client, staff):
    for number in range(OBTAIN_PER_USERNAME):
        obtain(api_client, staff.get_username(), REMOTE_ADDR=f"192.0.2.{number}")

    assert_throttled_form(
        admin_login(client, staff.get_username(), PASSWORD, address="192.0.2.99")
    )


def test_admin_password_changes_count_with_logins(client, api_client, staff):
    client.force_login(staff)
    for number in range(OBTAIN_PER_USERNAME):
        change_password(client, address=f"192.0.2.{number}")

    assert_throttled(
        obtain(api_client, staff.get_username(), PASSWORD, REMOTE_ADDR="192.0.2.99")
    )


def test_attempts_through_the_admin_count_for_the_api(client, api_client, staff):
    for number in range(OBTAIN_PER_USERNAME):
        admin_login(client, staff.get_username(), address=f"192.0.2.{number}")

    assert_throttled(
        obtain(api_client, staff.get_username(), PASSWORD, REMOTE_ADDR="192.0.2.99")
    )
