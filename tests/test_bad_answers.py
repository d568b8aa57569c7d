"""Every answer that cannot work stops the bake with its one-line message, leaving nothing.

Each case bakes for real: the pre-generation hook runs in its own process, as
it does for a user, and the output directory must stay empty.
"""

import sys

import pytest

# (answers, the variable named in the error, a fragment of the message)
BAD_ANSWERS = {
    "slug-uppercase": (
        {"project_slug": "My_Service"},
        "project_slug",
        "lowercase Python identifier",
    ),
    "slug-hyphen": (
        {"project_slug": "my-service"},
        "project_slug",
        "lowercase Python identifier",
    ),
    "slug-digit": (
        {"project_slug": "2fa"},
        "project_slug",
        "lowercase Python identifier",
    ),
    "slug-space": (
        {"project_slug": "my service"},
        "project_slug",
        "lowercase Python identifier",
    ),
    "slug-keyword": ({"project_slug": "class"}, "project_slug", "Python keyword"),
    "slug-stdlib": ({"project_slug": "email"}, "project_slug", "standard library"),
    "slug-dependency": ({"project_slug": "django"}, "project_slug", "dependencies"),
    "cookie-without-blacklist": (
        {"token_transport": "cookie", "use_token_blacklist": "no"},
        "token_transport",
        "needs use_token_blacklist",
    ),
    "verifier-hmac": (
        {"service_role": "verifier", "jwt_algorithm": "HS256"},
        "service_role",
        "needs an asymmetric jwt_algorithm",
    ),
    "verifier-cookie": (
        {
            "service_role": "verifier",
            "jwt_algorithm": "ES256",
            "token_transport": "cookie",
        },
        "service_role",
        "token_transport=header",
    ),
    "slug-too-long": (
        {"project_slug": "a" * 33},
        "project_slug",
        "at most 32 characters",
    ),
    "name-too-long": (
        {"project_name": "N" * 61, "project_slug": "svc"},
        "project_name",
        "at most 60 characters",
    ),
    "slug-own-package": ({"project_slug": "config"}, "project_slug", "dependencies"),
    "name-from-stdlib": (
        {"project_name": "Logging"},
        "project_slug",
        "standard library",
    ),
    "name-quote": ({"project_name": 'The "Best" API'}, "project_name", "double quotes"),
    "name-backslash": ({"project_name": "Back\\slash"}, "project_name", "backslashes"),
    "name-empty": (
        {"project_name": " ", "project_slug": "svc"},
        "project_name",
        "empty",
    ),
    "description-newline": (
        {"description": "two\nlines"},
        "description",
        "line breaks",
    ),
    "author-empty": ({"author_name": ""}, "author_name", "empty"),
    "author-email": ({"author_email": "nobody"}, "author_email", "valid email"),
    "access-zero": (
        {"access_token_lifetime_minutes": "0"},
        "access_token_lifetime_minutes",
        "from 1 to",
    ),
    "access-negative": (
        {"access_token_lifetime_minutes": "-5"},
        "access_token_lifetime_minutes",
        "whole number",
    ),
    "access-fraction": (
        {"access_token_lifetime_minutes": "1.5"},
        "access_token_lifetime_minutes",
        "whole number",
    ),
    "access-word": (
        {"access_token_lifetime_minutes": "five"},
        "access_token_lifetime_minutes",
        "whole number",
    ),
    "access-too-long": (
        {"access_token_lifetime_minutes": "20000"},
        "access_token_lifetime_minutes",
        "from 1 to",
    ),
    "refresh-zero": (
        {"refresh_token_lifetime_days": "0"},
        "refresh_token_lifetime_days",
        "from 1 to",
    ),
    "refresh-too-long": (
        {"refresh_token_lifetime_days": "400"},
        "refresh_token_lifetime_days",
        "from 1 to",
    ),
    "access-outlives-refresh": (
        {"access_token_lifetime_minutes": "1440", "refresh_token_lifetime_days": "1"},
        "refresh_token_lifetime_days",
        "longer than the access lifetime",
    ),
    "header-empty": ({"auth_header_types": ""}, "auth_header_types", "empty"),
    "header-trailing-comma": (
        {"auth_header_types": "Bearer,"},
        "auth_header_types",
        "empty entry",
    ),
    "header-two-words": (
        {"auth_header_types": "Bearer Token"},
        "auth_header_types",
        "single word",
    ),
    "header-duplicate": (
        {"auth_header_types": "JWT,JWT"},
        "auth_header_types",
        "twice",
    ),
    "blacklist-after-rotation-without-rotation": (
        {"blacklist_after_rotation": "yes"},
        "blacklist_after_rotation",
        "needs rotate_refresh_tokens",
    ),
    "blacklist-after-rotation-without-blacklist": (
        {
            "blacklist_after_rotation": "yes",
            "rotate_refresh_tokens": "yes",
            "use_token_blacklist": "no",
        },
        "blacklist_after_rotation",
        "needs use_token_blacklist",
    ),
    "superuser-space": (
        {"superuser_username": "jane doe"},
        "superuser_username",
        "Django username",
    ),
    "superuser-symbol": (
        {"superuser_username": "admin!"},
        "superuser_username",
        "Django username",
    ),
    "superuser-email": (
        {"superuser_email": "admin@localhost"},
        "superuser_email",
        "valid email",
    ),
}


def assert_nothing_left(tmp_path):
    """pytest-cookies bakes into tmp_path/cookies/bakeNN: each must stay empty."""
    left = [str(path) for path in (tmp_path / "cookies").rglob("*") if path.is_file()]
    assert left == [], "the bake left files behind"
    assert all(not any(bake.iterdir()) for bake in (tmp_path / "cookies").iterdir())


@pytest.mark.parametrize(
    ("answers", "variable", "message"), BAD_ANSWERS.values(), ids=BAD_ANSWERS
)
def test_bad_answer_stops_the_bake_with_one_line_and_leaves_nothing(
    cookies, tmp_path, capfd, answers, variable, message
):
    result = cookies.bake(extra_context={"setup_environment": "skip", **answers})

    assert result.exit_code != 0
    errors = [
        line
        for line in capfd.readouterr().err.splitlines()
        if line.startswith("ERROR: ")
    ]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"ERROR: {variable}: ")
    assert message in errors[0]
    assert_nothing_left(tmp_path)


def test_several_bad_answers_are_reported_together(cookies, capfd):
    result = cookies.bake(
        extra_context={
            "setup_environment": "skip",
            "project_slug": "class",
            "author_email": "nobody",
            "auth_header_types": ",",
        }
    )

    assert result.exit_code != 0
    errors = [
        line
        for line in capfd.readouterr().err.splitlines()
        if line.startswith("ERROR: ")
    ]
    assert [error.split(":")[1].strip() for error in errors] == [
        "project_slug",
        "author_email",
        "auth_header_types",
    ]


@pytest.mark.skipif(
    sys.version_info >= (3, 12), reason="Django 6.1 runs on this Python"
)
def test_django_61_needs_python_312_to_set_up(cookies, tmp_path, capfd):
    result = cookies.bake(
        extra_context={"django_version": "6.1", "setup_environment": "current"}
    )

    assert result.exit_code != 0
    assert_nothing_left(tmp_path)
    assert (
        "ERROR: django_version: Django 6.1 needs Python 3.12 or newer"
        in capfd.readouterr().err
    )


@pytest.mark.parametrize(
    ("answers", "fragment"),
    [
        ({"jwt_algorithm": "none"}, "jwt_algorithm"),
        ({"database": "mysql"}, "database"),
        ({"rotate_refresh_tokens": "maybe"}, "rotate_refresh_tokens"),
    ],
)
def test_answers_cookiecutter_itself_refuses_name_the_variable(
    cookies, answers, fragment
):
    result = cookies.bake(extra_context=answers)

    assert result.exit_code != 0
    assert fragment in str(result.exception)


def test_rotation_without_the_blacklist_bakes_with_one_warning_line(cookies, capfd):
    result = cookies.bake(
        extra_context={
            "setup_environment": "skip",
            "rotate_refresh_tokens": "yes",
            "use_token_blacklist": "no",
        }
    )

    assert result.exit_code == 0
    warnings = [
        line
        for line in capfd.readouterr().err.splitlines()
        if line.startswith("WARNING: ")
    ]
    assert len(warnings) == 1
    assert "every old refresh token stays valid" in warnings[0]
