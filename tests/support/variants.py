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
