"""Settings of the cookie transport: the refresh token in an HttpOnly cookie."""

from typing import Literal

from .environment import env

# The refresh token travels in a cookie scripts cannot read (HttpOnly), sent
# only to the token endpoints (issuer/cookies.py). Strict: no request from
# another site carries it (the README explains the choice).
REFRESH_COOKIE_NAME = "refresh_token"
REFRESH_COOKIE_SAMESITE: Literal["Lax", "Strict", "None"] = "Strict"
# production.py sends it over HTTPS only.
REFRESH_COOKIE_SECURE = False

# Browser apps served from other origins (scheme://host:port, comma-separated)
# that may call the API with their cookies; empty: the same origin only.
# https://github.com/adamchainz/django-cors-headers
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/"
# Refresh and logout check CSRF; the same origins may send those requests.
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
