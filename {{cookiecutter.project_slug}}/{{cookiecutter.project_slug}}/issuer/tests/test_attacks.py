"""The attacks a JWT service must refuse: each one gets 401 with a JSON body.

Every test goes through the HTTP endpoints, so the suite holds whichever
authentication class the settings configure. Forged tokens are built from the
payload of a real one; the first test proves that re-signing such a payload
with the service's own key is accepted, so each refusal below is caused by
the one thing its test changes.

Reusing a refresh token after rotation is refused in test_rotation.py,
after logout in test_logout.py.
"""

import base64
import functools
import hashlib
import hmac
import json
import logging
from datetime import timedelta

import jwt
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from jwt.algorithms import get_default_algorithms
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.jwt_keys.algorithms import is_hmac
from {{ cookiecutter.project_slug }}.jwt_keys.generation import generate_signing_keys

from tests.helpers import (
    authorization_header,
    create_user,
    credentials,
    logout,
    refresh,
    token_part,
    verify,
)

pytestmark = pytest.mark.django_db

ALGORITHM = settings.SIMPLE_JWT["ALGORITHM"]
SIGNING_KEY = settings.SIMPLE_JWT["SIGNING_KEY"]
VERIFYING_KEY = settings.SIMPLE_JWT.get("VERIFYING_KEY") or ""
HMAC_ALGORITHMS = ("HS256", "HS384", "HS512")


def hello(api_client, token):
    return api_client.get("/api/", HTTP_AUTHORIZATION=authorization_header(token))


# Where each kind of token is presented: an access token to a protected
# endpoint and to verify, a refresh token to refresh (verify refuses one, as
# the protected endpoints do).
USES = {
    "access-to-hello": ("access", hello),
    "access-to-verify": ("access", verify),
    "refresh-to-refresh": ("refresh", refresh),
}
each_use = pytest.mark.parametrize("use", USES)


def present(api_client, tokens, use, forge):
    """Present ``forge(real token)`` where ``use`` says; return (response, forgery)."""
    kind, endpoint = USES[use]
    forgery = forge(tokens[kind])
    return endpoint(api_client, forgery), forgery


def assert_refused(response, *tokens):
    """Assert a 401 whose JSON body neither shows a traceback nor echoes a token."""
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert "detail" in response.json()
    assert "Traceback" not in body
    for token in tokens:
        for segment in token.split("."):
            if len(segment) >= 8:
                assert segment not in body


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def encode_segment(value):
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def payload_of(token):
    return token_part(token, 1)


@functools.cache
def prepared(key, algorithm):
    """Return ``key`` as PyJWT signs with it; parsing a PEM key is slow, so once."""
    return get_default_algorithms()[algorithm].prepare_key(key)


def resign(token, key=SIGNING_KEY, algorithm=ALGORITHM, **claims):
    """Return ``token``'s payload, updated with ``claims``, signed with ``key``.

    The header keeps the token's type (``at+jwt`` or ``rt+jwt``).
    """
    payload = payload_of(token) | claims
    headers = {"typ": token_part(token, 0)["typ"]}
    return jwt.encode(
        payload, prepared(key, algorithm), algorithm=algorithm, headers=headers
    )


def leeway():
    configured = api_settings.LEEWAY or 0
    if isinstance(configured, timedelta):
        return configured
    return timedelta(seconds=configured)


@pytest.fixture
def victim(db):
    return create_user(
        "root", password="another secret, not ours", is_staff=True, is_superuser=True
    )


@each_use
def test_a_real_payload_resigned_with_the_service_key_is_accepted(
    api_client, tokens, use
):
    response, _ = present(api_client, tokens, use, resign)

    assert response.status_code == 200, response.content


@each_use
@pytest.mark.parametrize("none", ["none", "None", "NONE"])
def test_unsigned_token_with_alg_none_is_refused(api_client, tokens, use, none):
    def unsigned(token):
        header = encode_segment({"alg": none, "typ": "JWT"})
        return f"{header}.{encode_segment(payload_of(token))}."

    response, forgery = present(api_client, tokens, use, unsigned)

    assert_refused(response, forgery)


@each_use
def test_token_whose_payload_was_changed_is_refused(api_client, tokens, victim, use):
    def impersonate(token):
        header, _, signature = token.split(".")
        payload = payload_of(token) | {api_settings.USER_ID_CLAIM: str(victim.pk)}
        return f"{header}.{encode_segment(payload)}.{signature}"

    response, forgery = present(api_client, tokens, use, impersonate)

    assert_refused(response, forgery)


@each_use
def test_token_whose_signature_was_changed_is_refused(api_client, tokens, use):
    def tamper(token):
        # The first character of the signature: all of its bits count.
        head, signature = token.rsplit(".", 1)
        return f"{head}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"

    response, forgery = present(api_client, tokens, use, tamper)

    assert_refused(response, forgery)


@pytest.fixture(scope="module")
def other_key():
    """A key of the configured algorithm that is not the service's."""
    return generate_signing_keys(ALGORITHM)["SIGNING_KEY"]


@each_use
def test_token_signed_with_another_key_is_refused(api_client, tokens, use, other_key):
    response, forgery = present(
        api_client, tokens, use, lambda token: resign(token, key=other_key)
    )

    assert_refused(response, forgery)


def keyed_with_the_public_key(hmac_algorithm, token):
    """Return ``token``'s payload as an HMAC token keyed with the public key."""
    header = encode_segment({"alg": hmac_algorithm, "typ": "JWT"})
    signing_input = f"{header}.{encode_segment(payload_of(token))}"
    digest = getattr(hashlib, f"sha{hmac_algorithm[2:]}")
    signature = hmac.new(VERIFYING_KEY.encode(), signing_input.encode(), digest)
    return f"{signing_input}.{b64url(signature.digest())}"


def algorithm_confusions():
    """Return, by name, forgers that sign with an algorithm other than the service's."""
    if is_hmac(ALGORITHM):
        # Same secret, another hash: only the configured algorithm is accepted.
        return {
            other: functools.partial(resign, algorithm=other)
            for other in HMAC_ALGORITHMS
            if other != ALGORITHM
        }
    # Algorithm confusion: a verifier that let the token choose its algorithm
    # would check this HMAC with the public key, which anyone may hold.
    return {
        f"{hmac_algorithm} keyed with the public key": functools.partial(
            keyed_with_the_public_key, hmac_algorithm
        )
        for hmac_algorithm in HMAC_ALGORITHMS
    }


CONFUSIONS = algorithm_confusions()


@each_use
@pytest.mark.parametrize("confusion", CONFUSIONS)
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_token_signed_with_another_algorithm_is_refused(
    api_client, tokens, use, confusion
):
    response, forgery = present(api_client, tokens, use, CONFUSIONS[confusion])

    assert_refused(response, forgery)


@each_use
def test_token_expired_beyond_the_leeway_is_refused(api_client, tokens, use):
    expired_at = timezone.now() - leeway() - timedelta(seconds=1)

    response, forgery = present(
        api_client,
        tokens,
        use,
        lambda token: resign(token, exp=int(expired_at.timestamp())),
    )

    assert_refused(response, forgery)


def test_refresh_token_is_refused_as_access_token(api_client, tokens):
    assert_refused(hello(api_client, tokens["refresh"]), tokens["refresh"])


def test_access_token_is_refused_as_refresh_token(api_client, tokens):
    assert_refused(refresh(api_client, tokens["access"]), tokens["access"])


def test_inactive_user_cannot_obtain_tokens(api_client, user):
    user.is_active = False
    user.save()

    response = api_client.post("/api/token/", credentials(user), format="json")

    assert_refused(response)
    assert "access" not in response.json()


@pytest.mark.parametrize("use", ["access-to-hello", "refresh-to-refresh"])
def test_tokens_of_a_deactivated_user_are_refused(api_client, tokens, user, use):
    user.is_active = False
    user.save()

    response, _ = present(api_client, tokens, use, lambda token: token)

    assert_refused(response)


@pytest.mark.parametrize("use", ["access-to-hello", "refresh-to-refresh"])
def test_tokens_of_a_deleted_user_are_refused_not_a_server_error(
    api_client, tokens, user, use
):
    user.delete()

    response, _ = present(api_client, tokens, use, lambda token: token)

    assert_refused(response)


@pytest.mark.parametrize("use", ["access-to-hello", "refresh-to-refresh"])
def test_tokens_issued_before_a_password_change_are_refused(
    api_client, tokens, user, use
):
    user.set_password("a new password, chosen after a leak")
    user.save()

    response, _ = present(api_client, tokens, use, lambda token: token)

    assert_refused(response)


def me(api_client, token):
    return api_client.get("/api/me/", HTTP_AUTHORIZATION=authorization_header(token))


# Every place a token is read, with the kind of token it takes.
EVERY_USE = [
    ("access", me),
    ("access", hello),
    ("access", verify),
    ("refresh", refresh),
    ("refresh", verify),
]
if apps.is_installed("rest_framework_simplejwt.token_blacklist"):
    EVERY_USE.append(("refresh", logout))
CLAIMS = [api_settings.USER_ID_CLAIM, "exp", "iat", "nbf", "jti", "token_type"]
if apps.is_installed("{{ cookiecutter.project_slug }}.token_sessions"):
    CLAIMS.append("sid")
# Values of the wrong JSON type or out of range, as raw JSON text: Python's
# json.dumps refuses to write some of them (NaN is read by json.loads).
ODD_VALUES = {
    "list": "[1]",
    "object": '{"id": 1}',
    "text": '"soon"',
    "true": "true",
    "4000-digits": "9" * 4000,
    "5000-digits": "9" * 5000,
    "1e20": "1e20",
    "-1e20": "-1e20",
    "nan": "NaN",
    "300-characters": json.dumps("a" * 300),
}


def signed_with_claim(token, claim, json_text):
    """Return ``token``'s payload with ``claim`` set to raw JSON, signed with our key."""
    payload = payload_of(token)
    payload.pop(claim, None)
    text = json.dumps(payload)[:-1] + ", " + json.dumps(claim) + ": " + json_text + "}"
    key = prepared(SIGNING_KEY, ALGORITHM)
    return jwt.api_jws.encode(text.encode(), key, algorithm=ALGORITHM)


@pytest.mark.parametrize(
    ("claim", "value"),
    [
        (claim, value)
        for claim in CLAIMS
        for value in ODD_VALUES
        # Any text is a jti.
        if (claim, value) != (api_settings.JTI_CLAIM, "text")
    ],
)
def test_a_signed_token_with_a_claim_of_an_odd_type_is_refused(
    api_client, tokens, claim, value
):
    for kind, endpoint in EVERY_USE:
        forgery = signed_with_claim(tokens[kind], claim, ODD_VALUES[value])

        response = endpoint(api_client, forgery)

        assert response.status_code == 401, (endpoint.__name__, kind, response.content)
        assert_refused(response, forgery)


def test_refusals_are_logged_without_the_token(api_client, tokens, caplog):
    forged = resign(tokens["access"], exp=0)

    with caplog.at_level(logging.INFO):
        hello(api_client, forged)
        refresh(api_client, tokens["access"])

    refusals = [r for r in caplog.records if r.getMessage().startswith("Refused")]
    assert [r.levelname for r in refusals] == ["WARNING", "WARNING"]
    assert "GET /api/ from 127.0.0.1 (token_not_valid)" in refusals[0].getMessage()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for token in (forged, tokens["access"]):
        assert token.split(".")[1] not in logged
        assert token.split(".")[2] not in logged
