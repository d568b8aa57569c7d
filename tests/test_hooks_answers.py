"""Unit tests of the pre-generation hook's checks of the answers, from its unrendered file."""

import json

import pytest

from tests.support.baking import TEMPLATE_DIR
from tests.support.hooks import default_answers, load_hook

pre_gen = load_hook("pre_gen_project")


def test_defaults_are_valid():
    assert pre_gen.collect_errors(default_answers(), version_info=(3, 11)) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"jwt_algorithm": "HS512"}, "needs an asymmetric jwt_algorithm"),
        (
            {"jwt_algorithm": "EdDSA", "token_transport": "cookie"},
            "token_transport=header",
        ),
    ],
)
def test_a_verifier_needs_a_published_key_and_the_header_transport(overrides, message):
    answers = default_answers(service_role="verifier", **overrides)

    [error] = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert error.startswith("ERROR: service_role: ")
    assert message in error


def test_a_verifier_with_a_key_pair_and_the_header_transport_is_valid():
    answers = default_answers(service_role="verifier", jwt_algorithm="ES256")

    assert pre_gen.collect_errors(answers, version_info=(3, 11)) == []


@pytest.mark.parametrize("slug", ["my_service", "billing2", "orders_api", "a"])
def test_valid_slugs(slug):
    pre_gen.validate_project_slug(slug)


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("My_Service", "not a lowercase Python identifier"),
        ("my-service", "not a lowercase Python identifier"),
        ("2fa", "not a lowercase Python identifier"),
        ("my service", "not a lowercase Python identifier"),
        ("a/b", "not a lowercase Python identifier"),
        ("", "not a lowercase Python identifier"),
        ("_private", "not a lowercase Python identifier"),
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("email", "shadow the standard library"),
        ("logging", "shadow the standard library"),
        ("django", "dependencies"),
        ("rest_framework", "dependencies"),
        ("jwt", "dependencies"),
        ("config", "dependencies"),
        ("tests", "dependencies"),
        ("a" * 33, "at most 32 characters"),
    ],
)
def test_invalid_slugs_say_why(slug, reason):
    with pytest.raises(ValueError, match=reason):
        pre_gen.validate_project_slug(slug)


@pytest.mark.parametrize(
    "text", ["My Service", "Bob's orders API", "Zürich billing", "a" * 100]
)
def test_valid_texts(text):
    pre_gen.validate_text(text, max_length=100)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ('The "best" API', "double quotes"),
        ("back\\slash", "double quotes, backslashes"),
        ("{x}", "braces"),
        ("two\nlines", "line breaks"),
        ("a" * 101, "at most 100"),
    ],
)
def test_invalid_texts_say_why(text, reason):
    with pytest.raises(ValueError, match=reason):
        pre_gen.validate_text(text, max_length=100)


def test_description_may_be_empty():
    pre_gen.validate_text("", required=False)


@pytest.mark.parametrize(
    "email", ["admin@example.com", "first.last+tag@mail.example.org"]
)
def test_valid_emails(email):
    pre_gen.validate_email(email)


@pytest.mark.parametrize(
    "email",
    ["admin", "admin@localhost", "a b@example.com", "@example.com", "admin@", ""],
)
def test_invalid_emails(email):
    with pytest.raises(ValueError, match="not a valid email address"):
        pre_gen.validate_email(email)


@pytest.mark.parametrize(("value", "expected"), [(5, 5), ("5", 5), (" 15 ", 15)])
def test_whole_numbers_are_parsed(value, expected):
    assert pre_gen.parse_whole_number(value) == expected


@pytest.mark.parametrize("value", ["5.0", "-1", "five", "", True, None, "٣"])
def test_non_whole_numbers_are_refused(value):
    with pytest.raises(ValueError, match="not a whole number"):
        pre_gen.parse_whole_number(value)


@pytest.mark.parametrize("minutes", ["0", "10081"])
def test_access_lifetime_out_of_range(minutes):
    with pytest.raises(ValueError, match="from 1 to 10080"):
        pre_gen.validate_access_token_lifetime(minutes)


@pytest.mark.parametrize("days", ["0", "366"])
def test_refresh_lifetime_out_of_range(days):
    with pytest.raises(ValueError, match="from 1 to 365"):
        pre_gen.validate_refresh_token_lifetime(days)


@pytest.mark.parametrize(("access", "refresh"), [("1440", "1"), ("2880", "1")])
def test_access_token_must_expire_before_refresh_token(access, refresh):
    with pytest.raises(ValueError, match="longer than the access lifetime"):
        pre_gen.validate_token_lifetimes(access, refresh)


def test_access_token_shorter_than_refresh_token_is_valid():
    pre_gen.validate_token_lifetimes("1439", "1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Bearer", ["Bearer"]),
        ("Bearer,JWT", ["Bearer", "JWT"]),
        (" Bearer , JWT ", ["Bearer", "JWT"]),
    ],
)
def test_header_types_are_parsed(value, expected):
    assert pre_gen.parse_header_types(value) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "empty"),
        ("Bearer,", "empty entry"),
        (",Bearer", "empty entry"),
        ("Bearer Token", "not a single word"),
        ("Bé", "not a single word"),
        ("Bearer;JWT", "not a single word"),
        ("Bearer,Bearer", "twice"),
    ],
)
def test_invalid_header_types_say_why(value, reason):
    with pytest.raises(ValueError, match=reason):
        pre_gen.parse_header_types(value)


@pytest.mark.parametrize(
    ("after_rotation", "rotate", "blacklist", "missing"),
    [
        (True, False, True, "rotate_refresh_tokens"),
        (True, True, False, "use_token_blacklist"),
        (True, False, False, "rotate_refresh_tokens and use_token_blacklist"),
    ],
)
def test_blacklist_after_rotation_needs_rotation_and_blacklist(
    after_rotation, rotate, blacklist, missing
):
    with pytest.raises(ValueError, match=f"needs {missing} to be true"):
        pre_gen.validate_blacklist_after_rotation(after_rotation, rotate, blacklist)


@pytest.mark.parametrize(
    ("after_rotation", "rotate", "blacklist"),
    [(False, False, False), (False, True, False), (True, True, True)],
)
def test_blacklist_after_rotation_valid_combinations(after_rotation, rotate, blacklist):
    pre_gen.validate_blacklist_after_rotation(after_rotation, rotate, blacklist)


@pytest.mark.parametrize(
    "username", ["admin", "ops.lead", "jane+admin@corp", "ünïcode"]
)
def test_valid_usernames(username):
    pre_gen.validate_username(username)


@pytest.mark.parametrize("username", ["", "jane doe", "admin!", "a" * 151])
def test_invalid_usernames(username):
    with pytest.raises(ValueError, match=r"not a valid Django username|at most 150"):
        pre_gen.validate_username(username)


@pytest.mark.parametrize(
    ("django_version", "setup", "python", "valid"),
    [
        ("5.2", "venv", (3, 11), True),
        ("6.1", "current", (3, 12), True),
        ("6.1", "skip", (3, 11), True),
        ("6.1", "venv", (3, 11), False),
        ("6.1", "current", (3, 11), False),
        ("5.2", "venv", (3, 10), False),
    ],
)
def test_python_version_must_run_the_chosen_django(
    django_version, setup, python, valid
):
    errors = pre_gen.collect_errors(
        default_answers(django_version=django_version, setup_environment=setup),
        version_info=python,
    )

    if valid:
        assert errors == []
    else:
        [error] = errors
        assert error.startswith(f"ERROR: django_version: Django {django_version} needs")


def test_minimum_python_has_one_home_for_every_django_version():
    context = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())

    assert sorted(context["_minimum_python"]) == sorted(context["django_version"])
    for label in context["__prompts__"]["django_version"].values():
        assert "Python" not in label


@pytest.mark.parametrize(
    ("rotate", "blacklist", "warned"),
    [(True, False, True), (True, True, False), (False, False, False)],
)
def test_rotation_without_the_blacklist_is_a_warning_not_an_error(
    rotate, blacklist, warned
):
    answers = default_answers(
        rotate_refresh_tokens=rotate, use_token_blacklist=blacklist
    )

    warnings = pre_gen.rotation_warnings(rotate, blacklist)

    assert pre_gen.collect_errors(answers, version_info=(3, 11)) == []
    assert len(warnings) == int(warned)
    if warned:
        assert warnings[0].startswith("WARNING: rotate_refresh_tokens")
        assert "\n" not in warnings[0]


def test_every_error_is_reported_on_its_own_line_naming_the_variable():
    answers = default_answers(
        project_slug="My-Service",
        author_email="nobody",
        access_token_lifetime_minutes="0",
        auth_header_types="Bearer,",
        blacklist_after_rotation=True,
    )

    errors = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert [error.split(":")[1].strip() for error in errors] == [
        "project_slug",
        "author_email",
        "access_token_lifetime_minutes",
        "auth_header_types",
        "blacklist_after_rotation",
    ]
    assert all(error.startswith("ERROR: ") and error.endswith(".") for error in errors)
    assert all("\n" not in error for error in errors)


def test_lifetime_order_is_checked_only_when_both_lifetimes_are_valid():
    errors = pre_gen.collect_errors(
        default_answers(access_token_lifetime_minutes="abc"), version_info=(3, 11)
    )

    assert len(errors) == 1
    assert errors[0].startswith("ERROR: access_token_lifetime_minutes:")


def test_validators_have_docstrings_with_examples():
    validators = [
        getattr(pre_gen, name)
        for name in dir(pre_gen)
        if name.startswith(("validate_", "parse_"))
    ]

    assert validators
    for validator in validators:
        assert "Valid" in validator.__doc__, validator
        assert "Invalid" in validator.__doc__, validator


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"service_role": "verifier", "jwt_algorithm": "ES256"},
            "a verifier logs nobody in",
        ),
        ({"use_token_blacklist": False}, "Turn use_token_blacklist on"),
    ],
)
def test_two_factor_login_needs_the_issuer_and_its_sessions(overrides, message):
    answers = default_answers(mfa="totp", **overrides)

    [error] = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert error.startswith("ERROR: mfa: ")
    assert message in error


def test_two_factor_login_on_the_default_issuer_is_valid():
    answers = default_answers(mfa="totp")

    assert pre_gen.collect_errors(answers, version_info=(3, 11)) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"login_field": "email"},
        {"account_signup": "open"},
        {"account_signup": "open", "email_verification": "optional"},
        {"login_field": "email", "account_signup": "open"},
    ],
)
def test_account_answers_of_an_issuer_are_valid(overrides):
    assert pre_gen.collect_errors(default_answers(**overrides), (3, 11)) == []


def test_optional_email_verification_needs_open_sign_up():
    answers = default_answers(email_verification="optional")

    [error] = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert error.startswith("ERROR: email_verification: ")
    assert "account_signup=open" in error


@pytest.mark.parametrize(
    ("variable", "value"), [("login_field", "email"), ("account_signup", "open")]
)
def test_a_verifier_refuses_account_answers_naming_the_variable(variable, value):
    answers = default_answers(
        service_role="verifier", jwt_algorithm="RS256", **{variable: value}
    )

    [error] = pre_gen.collect_errors(answers, version_info=(3, 11))

    assert error.startswith(f"ERROR: {variable}: a verifier has no accounts")
    assert "service_role=issuer" in error
