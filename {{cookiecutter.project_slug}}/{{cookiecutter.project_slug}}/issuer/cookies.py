"""The cookie transport: the refresh token in an HttpOnly cookie, for browser apps.

A single-page app keeps the access token in memory and never sees the refresh
token. ``POST /api/token/`` answers the access token in its body and sets the
refresh token in a cookie that scripts cannot read (HttpOnly), that is sent
only to the token endpoints (its path), only over HTTPS in production
(Secure), never with a request another site makes (SameSite, see
``REFRESH_COOKIE_SAMESITE``), and that lasts as long as the token. Refresh
and logout read the token from that cookie; refresh sets the new one when
tokens rotate, logout clears it.

A browser sends a cookie by itself, so a request carrying the refresh cookie
must prove it comes from the app: it is checked with Django's CSRF machinery,
the way DRF checks a session cookie. Its ``X-CSRFToken`` header must match the
CSRF cookie that obtaining a token set (the names are Django's
``CSRF_HEADER_NAME`` and ``CSRF_COOKIE_NAME``), and a cross-origin request must
come from ``CSRF_TRUSTED_ORIGINS``. Requests with the access token in the
``Authorization`` header carry nothing a browser adds by itself and need no
CSRF token.

Logging in needs no CSRF token (there is no cookie yet to get it from), but it
must not be forged either: a page of another site could post the attacker's
username and password, and the victim's browser would keep the attacker's
refresh cookie, working in the attacker's account from then on (login CSRF).
So obtain takes JSON only, which no page of another site can send without a
CORS preflight, and refuses a request whose ``Origin`` is neither this site
nor one of ``CSRF_TRUSTED_ORIGINS``.

Everything else is the header transport's: these views extend those of
``views.py`` (their throttles) and use the same serializers (the atomic claim
of a refresh token by rotation and logout); only where the token comes from
and goes to changes.
"""

from typing import Any

from django.conf import settings
from django.middleware.csrf import rotate_token
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiViewExtension,
)
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import exceptions, serializers
from rest_framework.authentication import BaseAuthentication, CSRFCheck
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView
from rest_framework_simplejwt import views as simplejwt_views
from rest_framework_simplejwt.exceptions import InvalidToken
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.api.parsers import BoundedJSONParser
{%- if cookiecutter.mfa == "totp" %}
from {{ cookiecutter.project_slug }}.api.schema import (
    INVALID_BODY,
    NOTHING,
    tokens_or_mfa_challenge,
)
{%- else %}
from {{ cookiecutter.project_slug }}.api.schema import INVALID_BODY, NOTHING
{%- endif %}
from {{ cookiecutter.project_slug }}.api.serializers import ErrorSerializer

from . import views

ACCESS_TOKEN = inline_serializer(
    "AccessToken", fields={"access": serializers.CharField(read_only=True)}
)
TOKEN_REFUSED = OpenApiResponse(
    ErrorSerializer,
    description="The credentials, or the token in the refresh cookie, were refused.",
)
CROSS_SITE_LOGIN = OpenApiResponse(
    ErrorSerializer,
{%- if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" %}
    description="The request came from a page of an origin not trusted, or the "
    "password is right but the email address is not confirmed yet: code "
    "email_not_verified.",
{%- else %}
    description="The request came from a page of an origin not trusted.",
{%- endif %}
)
CSRF_FAILED = OpenApiResponse(
    ErrorSerializer,
    description="The refresh cookie came without the X-CSRFToken header matching "
    "the CSRF cookie, or from an origin not trusted (over HTTPS: without an "
    "Origin or Referer header of this site or a trusted origin).",
)
# Refresh and logout take no body; one that is sent is still read.
BODY_ERRORS = {
    400: INVALID_BODY,
    413: OpenApiResponse(ErrorSerializer, description="The body is too large."),
    415: OpenApiResponse(ErrorSerializer, description="The body is not JSON."),
}
SETS_COOKIES = OpenApiParameter(
    "Set-Cookie",
    str,
    OpenApiParameter.HEADER,
    response=[200],
    description="The refresh cookie (HttpOnly, path /api/token/) and Django's CSRF "
    "cookie, whose value refresh and logout send back in X-CSRFToken.",
)
# What refresh and logout need besides their cookies, for non-browser clients.
CSRF_NEEDS = (
    "Needs the refresh cookie, the CSRF cookie, and the CSRF cookie's value in the "
    "X-CSRFToken header. Over HTTPS Django also needs an Origin (or, without one, a "
    "Referer) header naming this site or a trusted origin: browsers send it, "
    "other clients must add it."
)


def token_endpoints_path() -> str:
    """Return the path every token endpoint lives under: the refresh cookie's path.

    The URL configuration is its one home: obtain is ``…/token/``, and
    refresh, verify and logout are below it.
    """
    return reverse("token_obtain_pair")


def set_refresh_cookie(response: Response, token: str) -> None:
    """Put ``token`` in ``response``'s refresh cookie, for the token's lifetime."""
    response.set_cookie(
        settings.REFRESH_COOKIE_NAME,
        token,
        max_age=int(api_settings.REFRESH_TOKEN_LIFETIME.total_seconds()),
        path=token_endpoints_path(),
        secure=settings.REFRESH_COOKIE_SECURE,
        httponly=True,
        samesite=settings.REFRESH_COOKIE_SAMESITE,
    )


def delete_refresh_cookie(response: Response) -> None:
    """Make the browser forget the refresh cookie."""
    response.delete_cookie(
        settings.REFRESH_COOKIE_NAME,
        path=token_endpoints_path(),
        samesite=settings.REFRESH_COOKIE_SAMESITE,
    )


def refresh_cookie(request: Request) -> str:
    """Return the refresh token of the request's cookie; 401 when there is none."""
    token = request.COOKIES.get(settings.REFRESH_COOKIE_NAME)
    if not token:
        raise exceptions.NotAuthenticated(_("The refresh token cookie is missing."))
    return token


def enforce_csrf(request: Request) -> None:
    """Refuse (403) a request without a valid CSRF token or from an untrusted origin.

    Django's ``CsrfViewMiddleware`` does the checking, as in DRF's
    ``SessionAuthentication``: DRF's views are exempt from the middleware
    itself, so that only requests a cookie authenticates pay for it.
    """
    # As DRF's SessionAuthentication: the check calls neither the response
    # function nor the view, which the stubs want real.
    check = CSRFCheck(lambda _request: None)  # type: ignore[arg-type]
    check.process_request(request)
    reason = check.process_view(request, None, (), {})  # type: ignore[arg-type]
    if reason:
        raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")


class RefreshCookieAuthentication(BaseAuthentication):
    """Check CSRF on requests that carry the refresh cookie.

    The refresh cookie is a credential the browser adds by itself, like a
    session cookie: DRF checks such credentials where it authenticates, so
    this is where the CSRF check lives. It authenticates no user: the view's
    serializer validates the token itself.
    """

    def authenticate(self, request: Request) -> None:
        if settings.REFRESH_COOKIE_NAME in request.COOKIES:
            enforce_csrf(request)


def has_trusted_origin(request: Request) -> bool:
    """Return True unless a page of an untrusted origin sent ``request``.

    Browsers send ``Origin`` with every cross-origin POST; a request without
    it does not come from a page of another site.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    own_origin = f"{request.scheme}://{request.get_host()}"
    return origin == own_origin or origin in settings.CSRF_TRUSTED_ORIGINS


class TrustedOrigin(BasePermission):
    """Refuse (403) a login posted by a page of another site (login CSRF)."""

    message = _("Logging in from this origin is not allowed.")

    def has_permission(self, request: Request, view: object) -> bool:
        return has_trusted_origin(request)


class CookieTransportView(GenericAPIView):
    """A token view of the cookie transport, documented by its own ``extend_schema``."""


class RefreshFromCookie(CookieTransportView):
    """Read the refresh token from its cookie, CSRF-checked; never from the body."""

    def get_authenticators(self) -> list[BaseAuthentication]:
        return [RefreshCookieAuthentication()]

    def get_serializer(self, *args: Any, **kwargs: Any) -> BaseSerializer:
        if "data" in kwargs:
            kwargs["data"] = {"refresh": refresh_cookie(self.request)}
        return super().get_serializer(*args, **kwargs)


@extend_schema(
    parameters=[SETS_COOKIES],
    responses={
{%- if cookiecutter.mfa == "totp" %}
        200: tokens_or_mfa_challenge(ACCESS_TOKEN, "AccessTokenOrMFAChallenge"),
{%- else %}
        200: ACCESS_TOKEN,
{%- endif %}
        400: INVALID_BODY,
        401: TOKEN_REFUSED,
        403: CROSS_SITE_LOGIN,
    },
    description="Obtain an access token with a username and password (JSON). The "
    "refresh token is set in an HttpOnly cookie, and Django's CSRF cookie is set for "
    "the X-CSRFToken header of refresh and logout. Refused from a page of an origin "
    "not trusted. Attempts are limited per client address and per username (429 "
{%- if cookiecutter.mfa == "totp" %}
    "with Retry-After over a limit). A login that needs a second factor answers an "
    "mfa_token instead, and sets no cookie: see POST /api/token/mfa/.",
{%- else %}
    "with Retry-After over a limit).",
{%- endif %}
)
class TokenObtainPairView(CookieTransportView, views.TokenObtainPairView):
    """Obtain an access token (body) and a refresh token (cookie).

    JSON only, from this site or a trusted origin: see the module's
    docstring (login CSRF). A request refused for its origin counts against no
    throttle: DRF checks them after the permissions. A new CSRF token is set
    too, as ``django.contrib.auth.login`` sets one: a token fixed by someone
    else before the login is useless after it.
    """

    parser_classes = (BoundedJSONParser,)
    # simplejwt's views have no permissions: mypy infers an always-empty tuple.
    permission_classes = (TrustedOrigin,)  # type: ignore[assignment]

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().post(request, *args, **kwargs)
{%- if cookiecutter.mfa == "totp" %}
        if "refresh" not in response.data:
            # The password step of a two-factor login: no tokens yet.
            return response
{%- endif %}
        set_refresh_cookie(response, response.data.pop("refresh"))
        rotate_token(request)
        return response


@extend_schema(
    request=None,
    parameters=[SETS_COOKIES] if api_settings.ROTATE_REFRESH_TOKENS else [],
    responses={200: ACCESS_TOKEN, 401: TOKEN_REFUSED, 403: CSRF_FAILED, **BODY_ERRORS},
    description="Obtain a new access token with the refresh token of the cookie "
    "(and a new refresh cookie, when tokens rotate). Limited per client address "
    f"(429 with Retry-After over the limit). {CSRF_NEEDS}",
)
class TokenRefreshView(RefreshFromCookie, views.TokenRefreshView):
    """Obtain a new access token with the refresh cookie; rotate the cookie's token."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().post(request, *args, **kwargs)
        if "refresh" in response.data:
            set_refresh_cookie(response, response.data.pop("refresh"))
        return response


@extend_schema(
    request=None,
    responses={200: NOTHING, 401: TOKEN_REFUSED, 403: CSRF_FAILED, **BODY_ERRORS},
    description="Log out: blacklist the refresh token of the cookie and clear the "
    f"cookie. {CSRF_NEEDS}",
)
class TokenBlacklistView(RefreshFromCookie, simplejwt_views.TokenBlacklistView):
    """Blacklist the refresh cookie's token and clear the cookie.

    A token already refused (blacklisted, expired, forged) is useless: its
    cookie is cleared too, so that the app ends up logged out either way.
    """

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().post(request, *args, **kwargs)
        delete_refresh_cookie(response)
        return response

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, InvalidToken):
            delete_refresh_cookie(response)
        return response


# OpenAPI ------------------------------------------------------------------------------


class CookieTokenViewSchema(OpenApiViewExtension):
    """Keep the cookie views' own documentation, not the header transport's.

    ``api/schema.py`` documents every simplejwt view with the request and
    answer bodies of the header transport; these views say what they take
    and answer themselves.
    """

    target_class = CookieTransportView
    match_subclasses = True
    priority = 1

    def view_replacement(self) -> type[APIView]:
        return self.target


def csrf_header_name() -> str:
    """Return the HTTP name of Django's CSRF header (``CSRF_HEADER_NAME`` is a META key)."""
    return settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")


class RefreshCookieScheme(OpenApiAuthenticationExtension):
    """The two cookies and the header that refresh and logout need together."""

    target_class = RefreshCookieAuthentication
    name = ["refreshCookie", "csrfCookie", "csrfToken"]

    def get_security_definition(self, auto_schema: object) -> list[dict[str, str]]:
        return [
            {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.REFRESH_COOKIE_NAME,
                "description": "The refresh token, set by POST /api/token/ "
                "(HttpOnly: the browser sends it, scripts cannot read it).",
            },
            {
                "type": "apiKey",
                "in": "cookie",
                "name": settings.CSRF_COOKIE_NAME,
                "description": "Django's CSRF cookie, set by POST /api/token/.",
            },
            {
                "type": "apiKey",
                "in": "header",
                "name": csrf_header_name(),
                "description": f"The value of the {settings.CSRF_COOKIE_NAME} cookie. "
                "Over HTTPS, send an Origin (or Referer) header of this site or a "
                "trusted origin too.",
            },
        ]
