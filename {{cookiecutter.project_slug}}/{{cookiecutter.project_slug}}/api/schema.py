"""OpenAPI documentation of what simplejwt's views and authentication really do.

drf-spectacular describes simplejwt's exact classes only, and none of their
errors. The extensions below also describe subclasses (this project's refresh
serializer is one), document the 400 and 401 answers of every token endpoint,
and describe every accepted ``Authorization`` header type.
``ApiConfig.ready`` imports this module, which registers them.
"""

from typing import TYPE_CHECKING, Any

from drf_spectacular.contrib.rest_framework_simplejwt import (
    TokenObtainPairSerializerExtension,
    TokenRefreshSerializerExtension,
)
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiViewExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework_simplejwt.settings import api_settings

if TYPE_CHECKING:
    from drf_spectacular.openapi import AutoSchema
    from rest_framework_simplejwt.views import TokenViewBase

from .serializers import ErrorSerializer

UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description="The access token is missing, invalid or expired."
)
TOKEN_REFUSED = OpenApiResponse(
    ErrorSerializer, description="The credentials or the token were refused."
)
# DRF answers 400 with each invalid field and its messages, or with "detail"
# when the body could not be parsed at all.
INVALID_BODY = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "string"},
            ],
        },
    },
    description="The request body is invalid or could not be parsed.",
)


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    """The ``jwtAuth`` security scheme, for every configured header type.

    OpenAPI 3.0 has one prefix per scheme: Swagger UI sends the first header
    type; the description names the others the service also accepts.
    """

    target_class = "rest_framework_simplejwt.authentication.JWTAuthentication"
    match_subclasses = True
    priority = 1
    name = "jwtAuth"

    def get_security_definition(self, auto_schema: "AutoSchema") -> dict[str, Any]:
        header_types = api_settings.AUTH_HEADER_TYPES
        scheme = build_bearer_security_scheme_object(
            header_name=api_settings.AUTH_HEADER_NAME,
            token_prefix=header_types[0],
            bearer_format="JWT",
        )
        notes = []
        if scheme["type"] == "apiKey":
            prefixed = f"{header_types[0]} <token>"
            notes.append(f'Enter the access token with its prefix: "{prefixed}".')
        if len(header_types) > 1:
            accepted = ", ".join(f'"{header_type}"' for header_type in header_types)
            notes.append(f"Accepted prefixes: {accepted}.")
        if notes:
            scheme["description"] = " ".join(notes)
        return scheme


class TokenObtainPairSerializerSchema(TokenObtainPairSerializerExtension):
    """Credentials in, a token pair out: for subclasses of the serializer too."""

    match_subclasses = True


class TokenRefreshSerializerSchema(TokenRefreshSerializerExtension):
    """A refresh token in; an access token (and a new refresh token with rotation) out."""

    match_subclasses = True


class TokenViewSchema(OpenApiViewExtension):
    """Add the errors every token endpoint answers with to its documentation."""

    target_class = "rest_framework_simplejwt.views.TokenViewBase"
    match_subclasses = True

    def view_replacement(self) -> type["TokenViewBase"]:
        target: type[TokenViewBase] = self.target
        documented = type("DocumentedTokenView", (target,), {"__module__": __name__})
        return extend_schema(
            responses={
                200: target().get_serializer_class(),
                400: INVALID_BODY,
                401: TOKEN_REFUSED,
            }
        )(documented)
