"""Settings of the cookie transport: the refresh token in an HttpOnly cookie."""

from .environment import env

# The refresh token travels in a cookie scripts cannot read (HttpOnly), sent
# only to the token endpoints (issuer/cookies.py). Strict by default: no
# request from another site carries it (the README explains the choice); Lax,
# or None with HTTPS only (the check issuer.E001 refuses anything else).
REFRESH_COOKIE_NAME = "refresh_token"
REFRESH_COOKIE_SAMESITE = env.str("DJANGO_REFRESH_COOKIE_SAMESITE", default="Strict")
# production.py sends it over HTTPS only.
REFRESH_COOKIE_SECURE = False
# The domain of Django's CSRF cookie, e.g. ".example.com", so that an app on a
# sibling subdomain (app.example.com) can read the token it sends back in
# X-CSRFToken; empty: this host only.
# https://docs.djangoproject.com/en/stable/ref/settings/#csrf-cookie-domain
CSRF_COOKIE_DOMAIN = env.str("DJANGO_CSRF_COOKIE_DOMAIN", default="") or None

# Browser apps served from other origins (scheme://host:port, comma-separated)
# that may call the API with their cookies; empty: the same origin only.
# https://github.com/adamchainz/django-cors-headers
CORS_ALLOWED_ORIGINS = env.list("DJANGO_CORS_ALLOWED_ORIGINS", default=[])
CORS_ALLOW_CREDENTIALS = True
CORS_URLS_REGEX = r"^/api/"
# Refresh and logout check CSRF; the same origins may send those requests.
CSRF_TRUSTED_ORIGINS = CORS_ALLOWED_ORIGINS
