"""``POST /api/token/client/``: the client credentials grant (RFC 6749, section 4.4)."""

from collections.abc import Mapping

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.settings import api_settings

from {{ cookiecutter.project_slug }}.api.parsers import BoundedJSONParser
from {{ cookiecutter.project_slug }}.issuer.views import ThrottlesInOrder
from {{ cookiecutter.project_slug }}.throttling.throttles import FixedWindowThrottle

from .grant import (
    GrantError,
    authenticate_client,
    client_access_token,
    granted_scopes,
    presented_credentials,
)
from .serializers import (
    ClientCredentialsSerializer,
    GrantedTokenSerializer,
    GrantErrorSerializer,
)

GRANT_TYPE = "client_credentials"
# RFC 6749, section 5.2: the status of each error.
ERROR_STATUS = {
    "invalid_client": status.HTTP_401_UNAUTHORIZED,
    "invalid_request": status.HTTP_400_BAD_REQUEST,
    "invalid_scope": status.HTTP_400_BAD_REQUEST,
    "unsupported_grant_type": status.HTTP_400_BAD_REQUEST,
}
# RFC 6749, section 5.1: token answers are never cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def request_body(request: Request) -> Mapping:
    """Return the form or JSON body, or an empty mapping for any other shape."""
    data = request.data
    return data if isinstance(data, Mapping) else {}


def presented_client_id(request: Request) -> str | None:
    """Return the client id the request names (checked or not), for the throttle."""
    try:
        credentials = presented_credentials(
            request.META.get("HTTP_AUTHORIZATION", ""), request_body(request)
        )
    except GrantError:
        return None
    return credentials.client_id


class GrantPerClientThrottle(FixedWindowThrottle):
    """Client credentials attempts from one client address."""

    scope = "token_client_per_client"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.client_key(request)


class GrantPerClientIdThrottle(FixedWindowThrottle):
    """Client credentials attempts for one client id, from any address (like a username)."""

    scope = "token_client_per_client_id"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        client_id = presented_client_id(request)
        if client_id is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_id[:64]}


class ClientCredentialsView(ThrottlesInOrder):
    """Grant a service client an access token for its own credentials.

    The credentials come in an ``Authorization: Basic`` header or as
    ``client_id`` and ``client_secret`` in the body (form or JSON). The answer
    is an access token only, for the scopes asked (``scope``, a subset of the
    client's) or all the client's. Errors follow RFC 6749, section 5.2; a wrong
    secret and an unknown client answer alike. Attempts are limited per client
    address and per client id (429 with Retry-After).
    """

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (GrantPerClientThrottle, GrantPerClientIdThrottle)
    # RFC 6749's form encoding, which OAuth client libraries send, besides
    # the JSON of every other endpoint. No cookie authenticates here: a form
    # posted from another site gains nothing.
    parser_classes = (BoundedJSONParser, FormParser)

    @extend_schema(
        tags=["token"],
        request=ClientCredentialsSerializer,
        responses={
            200: GrantedTokenSerializer,
            400: OpenApiResponse(
                GrantErrorSerializer,
                description="invalid_request, invalid_scope or unsupported_grant_type.",
            ),
            401: OpenApiResponse(
                GrantErrorSerializer,
                description="invalid_client: the credentials were refused.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        try:
            body = request_body(request)
            if body.get("grant_type") != GRANT_TYPE:
                raise GrantError(
                    "unsupported_grant_type", f"grant_type must be {GRANT_TYPE}."
                )
            credentials = presented_credentials(
                request.META.get("HTTP_AUTHORIZATION", ""), body
            )
            client = authenticate_client(credentials)
            scopes = granted_scopes(client, body.get("scope"))
        except GrantError as error:
            return self.refuse(error)
        token = client_access_token(client, scopes)
        return Response(
            {
                "access_token": str(token),
                "token_type": "Bearer",
                "expires_in": int(api_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
                "scope": " ".join(scopes),
            },
            headers=NO_STORE,
        )

    def handle_exception(self, exc: Exception) -> Response:
        # A body that does not parse (met first by the per-client-id
        # throttle) is RFC 6749's invalid_request, in its error shape.
        if isinstance(exc, ParseError):
            return self.refuse(
                GrantError("invalid_request", "The request body could not be parsed.")
            )
        return super().handle_exception(exc)

    def refuse(self, error: GrantError) -> Response:
        """Return the answer of RFC 6749, section 5.2, for ``error``."""
        headers = dict(NO_STORE)
        if error.error == "invalid_client":
            headers["WWW-Authenticate"] = 'Basic realm="api"'
        return Response(
            {"error": error.error, "error_description": error.description},
            status=ERROR_STATUS[error.error],
            headers=headers,
        )
