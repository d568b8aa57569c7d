"""The answer sets the template's tests bake, and how tests take them.

Each option against the defaults, plus the pairs that interact (rotation x
blacklist), not the cartesian product.
"""

import pytest

VARIANTS = {
    "default": {},
    "hs512": {"jwt_algorithm": "HS512"},
    "rs256": {"jwt_algorithm": "RS256"},
    "es256": {"jwt_algorithm": "ES256"},
    "eddsa": {"jwt_algorithm": "EdDSA"},
    "ps256": {"jwt_algorithm": "PS256"},
    "verifier": {"service_role": "verifier", "jwt_algorithm": "ES256"},
    "header-jwt": {"auth_header_types": "JWT"},
    "header-bearer-jwt": {"auth_header_types": "Bearer, JWT"},
    "lifetimes": {
        "access_token_lifetime_minutes": "15",
        "refresh_token_lifetime_days": "7",
    },
    "rotation": {"rotate_refresh_tokens": "yes"},
    "rotation-blacklist": {
        "rotate_refresh_tokens": "yes",
        "blacklist_after_rotation": "yes",
    },
    "no-blacklist": {"use_token_blacklist": "no"},
    "rotation-no-blacklist": {
        "rotate_refresh_tokens": "yes",
        "use_token_blacklist": "no",
    },
    "last-login": {"update_last_login": "yes"},
    "cookie": {"token_transport": "cookie"},
    # Rotation replaces the cookie; the body-transport specifications run through it.
    "cookie-rotation": {
        "token_transport": "cookie",
        "rotate_refresh_tokens": "yes",
        "blacklist_after_rotation": "yes",
    },
    "postgresql": {"database": "postgresql"},
    # Accounts: open sign-up (mandatory verification), email as the login name
    # with open sign-up and optional verification (the pair that interacts), and
    # email login's case-insensitive uniqueness on PostgreSQL.
    "open-signup": {"account_signup": "open"},
    "email-open-optional": {
        "login_field": "email",
        "account_signup": "open",
        "email_verification": "optional",
    },
    "email-postgresql": {"login_field": "email", "database": "postgresql"},
    "mfa": {"mfa": "totp"},
    # The code step sets the refresh cookie: the cookie transport's views change.
    "mfa-cookie": {"mfa": "totp", "token_transport": "cookie"},
    "minimal-files": {
        "use_docker": "no",
        "ci_provider": "none",
        "create_superuser": "no",
    },
    "redis": {"use_redis": "yes"},
    "unicode-name": {"project_name": "Zürich Bob's Orders"},
    # A package that sorts before config (and tests): ruff's import order of the
    # generated code must not depend on the name.
    "slug-before-config": {"project_slug": "api_gateway"},
    # The longest names the validators accept must still give ruff-stable code.
    "longest-names": {
        "project_name": "Northwind Traders Customer Billing and Invoicing Platform EU",
        "project_slug": "northwind_traders_billing_invoic",
        "description": "A long description " * 10,
    },
}


# Where the names show: the schema's title, the admin, the top-level tests.
# Ruff and mypy, which every variant runs, read every import of the package.
NAME_TESTS = (
    "tests",
    "{package}/users",
    "{package}/api/tests/test_openapi.py",
    "{package}/issuer/tests/test_openapi.py",
    "{package}/issuer/tests/test_endpoints.py",
)
ROTATION_TESTS = (
    "{package}/issuer/tests/test_rotation.py",
    "{package}/issuer/tests/test_answers.py",
    "{package}/issuer/tests/test_endpoints.py",
    "{package}/issuer/tests/test_rotate_jwt_key.py",
    "{package}/issuer/tests/test_simplejwt_gaps.py",
    "{package}/token_sessions",
)

# The generated suite runs whole for every variant but these: each runs the
# tests its answers change, and the siblings named run the rest with the same
# answer values. Every value of a choice answer keeps one variant running the
# whole suite (HS512: hs512, cookie: cookie-rotation, open sign-up and email
# login: email-open-optional, PostgreSQL: postgresql, TOTP: mfa, no blacklist:
# rotation-no-blacklist, ...); the free-text answers (header types, lifetimes,
# names) run the tests that read them. Paths are the project's, "{package}"
# its package: a path the bake lacks fails the run instead of shrinking it.
PARTIAL_SUITES = {
    # The tests send the first header type: header-jwt's JWT and the default's
    # Bearer run the rest.
    "header-bearer-jwt": (
        "{package}/jwt_auth",
        "{package}/api/tests/test_openapi.py",
        "{package}/issuer/tests/test_answers.py",
        "{package}/issuer/tests/test_attacks.py",
    ),
    # The rest: default.
    "lifetimes": (
        "{package}/issuer/tests/test_answers.py",
        "{package}/issuer/tests/test_access_claims.py",
        "{package}/issuer/tests/test_rotate_jwt_key.py",
        "{package}/issuer/tests/test_keys_published_before_use.py",
        "{package}/token_sessions",
    ),
    # The rest: cookie-rotation (rotation, blacklist after rotation) and
    # rotation-no-blacklist (rotation without the blacklist).
    "rotation": ROTATION_TESTS,
    "rotation-blacklist": ROTATION_TESTS,
    # The rest: rotation-no-blacklist.
    "no-blacklist": (
        "{package}/issuer/tests/test_answers.py",
        "{package}/issuer/tests/test_endpoints.py",
        "{package}/issuer/tests/test_rotate_jwt_key.py",
        "{package}/issuer/tests/test_simplejwt_gaps.py",
    ),
    # The issuer's tests follow the transport (issuer/tests/conftest.py).
    # The rest: cookie-rotation.
    "cookie": (
        "{package}/issuer",
        "{package}/jwt_auth",
        "{package}/token_sessions",
        "{package}/api/tests/test_openapi.py",
    ),
    # The rest: email-open-optional.
    "open-signup": (
        "{package}/accounts",
        "{package}/users",
        "{package}/security_events",
        "{package}/throttling",
        "{package}/api/tests/test_openapi.py",
    ),
    # Case-insensitive email logins and their counters on PostgreSQL.
    # The rest: email-open-optional and postgresql.
    "email-postgresql": (
        "{package}/accounts",
        "{package}/users",
        "{package}/security_events",
        "{package}/throttling",
        "{package}/issuer/tests/test_endpoints.py",
        "{package}/issuer/tests/test_token_throttling_per_username.py",
    ),
    "unicode-name": NAME_TESTS,
    "slug-before-config": NAME_TESTS,
    "longest-names": NAME_TESTS,
    # The rest: mfa and cookie-rotation.
    "mfa-cookie": (
        "{package}/mfa",
        "{package}/jwt_auth",
        "{package}/issuer/tests/cookie_transport",
        "{package}/issuer/tests/test_endpoints.py",
    ),
}
# The signing algorithms outside VARIANTS share their family's code with
# hs512, rs256, es256 and ps256, which run the whole suite: they run the tests
# that issue, sign and verify tokens.
SIGNING_TESTS = (
    "{package}/jwt_auth",
    "{package}/jwt_keys",
    "{package}/token_sessions",
    "{package}/issuer/tests/test_access_claims.py",
    "{package}/issuer/tests/test_attacks.py",
    "{package}/issuer/tests/test_endpoints.py",
    "{package}/issuer/tests/test_jwks.py",
    "{package}/issuer/tests/test_key_set.py",
    "{package}/issuer/tests/test_keys_published_before_use.py",
    "{package}/issuer/tests/test_rotate_jwt_key.py",
    "{package}/issuer/tests/test_signing_keys.py",
    "{package}/issuer/tests/test_verify.py",
)


def generated_tests(paths, project):
    """Return the pytest arguments selecting ``paths`` in ``project`` (all: none)."""
    return [path.format(package=project.name) for path in paths]


def variants(*names):
    """Parametrize over variants, keeping each variant's checks on one worker."""
    return pytest.mark.parametrize(
        "variant",
        [
            pytest.param(name, marks=pytest.mark.xdist_group(name), id=name)
            for name in names
        ],
    )


def answers(variant):
    """Return the answers, beyond the defaults, that ``variant`` bakes with."""
    return VARIANTS[variant]
