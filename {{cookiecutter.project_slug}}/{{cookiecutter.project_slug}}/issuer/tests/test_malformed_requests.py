"""Bad input to the token endpoints gets a 4xx answer with a JSON body, never a 500.

The token endpoints take requests from anyone, before authentication. The
examples below are shapes that broke them once; the property tests then send
many more of the same families (deep nesting, lone surrogates, values of the
wrong JSON type, huge strings, odd content types, token-like strings).
"""

import base64
import json

import pytest
from django.apps import apps
from django.urls import resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.parsers import FormParser

from tests.helpers import LOGIN_FIELD

pytestmark = pytest.mark.django_db

TOKEN_URLS = ["/api/token/", "/api/token/refresh/", "/api/token/verify/"]
if apps.is_installed("rest_framework_simplejwt.token_blacklist"):
    TOKEN_URLS.append("/api/token/blacklist/")
# Every field any token endpoint reads, and one none of them does.
FIELDS = ("username", "password", "refresh", "token", "other")

fuzz = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def post(client, url, body, content_type="application/json", **headers):
    """POST ``body`` (bytes or text) exactly as given, with ``content_type``."""
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    return client.generic("POST", url, body, content_type=content_type, **headers)


def assert_answered_with_json(response):
    """Assert a client error (or success) whose body is JSON."""
    assert response.status_code < 500, response.content[:300]
    assert response["Content-Type"] == "application/json", response.content[:300]
    json.loads(response.content)


def takes_forms(url):
    # as_view() sets view_class; the stubs type func as a plain callable.
    view = resolve(url).func.view_class  # type: ignore[attr-defined]
    return any(issubclass(parser, FormParser) for parser in view.parser_classes)


def nested(depth, opener="[", closer="]"):
    return opener * depth + closer * depth


@pytest.mark.parametrize("url", TOKEN_URLS)
@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"refresh": ' + nested(1000) + "}", id="arrays"),
        pytest.param('{"token": ' + '{"a": ' * 1000 + "1" + "}" * 1001, id="objects"),
    ],
)
def test_a_deeply_nested_body_is_a_bad_request(api_client, url, body):
    response = post(api_client, url, body)

    assert response.status_code == 400
    assert_answered_with_json(response)
    assert "nest" in response.json()["detail"]


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_a_body_larger_than_django_accepts_is_answered_413(api_client, url, settings):
    size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    body = json.dumps({"refresh": "A" * size, "token": "A"})

    response = post(api_client, url, body)

    assert response.status_code == 413
    assert_answered_with_json(response)


@pytest.mark.parametrize("url", TOKEN_URLS)
def test_a_form_with_more_fields_than_django_accepts_is_a_bad_request(
    api_client, url, settings
):
    fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1
    body = "&".join(f"field{number}=x" for number in range(fields))

    response = post(api_client, url, body, "application/x-www-form-urlencoded")

    # An endpoint that takes JSON only (the cookie transport's login) reads no form.
    assert response.status_code == (400 if takes_forms(url) else 415)
    assert_answered_with_json(response)


# An opening quote then escaped quotes and no end: the string pattern of the
# nesting guard once retried from every quote, 30 s of a worker for 120 KB.
UNTERMINATED_STRINGS = [
    pytest.param(b'"' + b'\\"' * 60_000, id="escaped-quotes"),
    pytest.param(b'"' + b'\\"' * 60_000 + b"\\", id="escaped-quotes-then-backslash"),
    pytest.param(b'"' + b"[" * 120_000, id="brackets"),
]


@pytest.mark.parametrize("string", UNTERMINATED_STRINGS)
def test_a_body_with_an_unterminated_string_is_a_bad_request(api_client, string):
    body = b'{"token": ' + string

    response = post(api_client, "/api/token/verify/", body)

    assert response.status_code == 400
    assert_answered_with_json(response)


# --- Strategies ----------------------------------------------------------------------

# Any code point, with the ones that broke something drawn often: lone
# surrogates (U+D800-U+DFFF, which UTF-8 cannot encode), NUL, Unicode spaces.
odd_characters = st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
    st.sampled_from(["\x00", "\t", "\n", "\xa0", "\u2003", "\u3000", "\ufeff"]),
)
# Joined from a list: st.text() would merge the alphabets and lose the surrogates.
any_text = st.lists(odd_characters, max_size=40).map("".join)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False)
    | any_text
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(any_text | st.sampled_from(FIELDS), children, max_size=4)
    ),
    max_leaves=12,
)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


json_segments = json_values.map(
    lambda value: b64url(json.dumps(value).encode("utf-8", "surrogatepass"))
)
headers = st.fixed_dictionaries(
    {"alg": st.sampled_from(["none", "HS256", "RS256", "EdDSA", ""]) | json_values},
    optional={"typ": json_values, "kid": json_values, "crit": json_values},
).map(lambda header: b64url(json.dumps(header).encode("utf-8", "surrogatepass")))
base64url_text = st.text(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_="
)
token_like = st.one_of(
    st.tuples(headers, json_segments, base64url_text).map(".".join),
    st.lists(base64url_text, max_size=6).map(".".join),
    any_text,
)
huge_strings = st.integers(min_value=10_000, max_value=3_000_000).map(
    lambda size: "A" * size
)
field_values = st.one_of(token_like, json_values, huge_strings)
json_bodies = st.one_of(
    st.dictionaries(st.sampled_from(FIELDS), field_values, max_size=4),
    json_values,
).map(lambda body: json.dumps(body).encode("utf-8", "surrogatepass"))
deep_bodies = st.builds(
    lambda depth, brackets, field: (
        json.dumps({field: "NESTED"})
        .replace('"NESTED"', nested(depth, *brackets))
        .encode()
    ),
    st.integers(min_value=1, max_value=5000),
    st.sampled_from([("[", "]"), ('{"a":', "}"), ("[", ""), ("", "]")]),
    st.sampled_from(FIELDS),
)
content_types = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-16",
        "application/json; charset=no-such-charset",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=no-such-charset",
        "multipart/form-data",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/xml",
        "",
        "a/b/c",
    ]
)
raw_bodies = st.one_of(json_bodies, deep_bodies, st.binary(max_size=200))


# --- Property tests: each example is sent to every token endpoint ----------------


@fuzz
@given(body=st.one_of(json_bodies, deep_bodies))
def test_any_json_body_is_answered_with_json(api_client, body):
    for url in TOKEN_URLS:
        assert_answered_with_json(post(api_client, url, body))


@fuzz
@given(username=field_values, password=field_values)
def test_any_credentials_are_answered_with_json(api_client, username, password):
    body = json.dumps({LOGIN_FIELD: username, "password": password})

    for url in TOKEN_URLS:
        assert_answered_with_json(post(api_client, url, body))


@fuzz
@given(token=token_like)
def test_any_token_like_string_is_answered_with_json(api_client, token):
    body = json.dumps({"refresh": token, "token": token})

    for url in TOKEN_URLS:
        assert_answered_with_json(post(api_client, url, body))


@fuzz
@given(
    body=raw_bodies,
    content_type=content_types,
    accept=st.sampled_from(["application/json", "text/html", "*/*", "a/b/c"]),
)
def test_any_body_and_content_type_are_answered_with_json(
    api_client, body, content_type, accept
):
    for url in TOKEN_URLS:
        response = post(api_client, url, body, content_type, HTTP_ACCEPT=accept)

        assert_answered_with_json(response)
