"""OpenAPI documentation of what this service really serves, errors included.

drf-spectacular documents the success answer of each operation. ``AutoSchema``
adds every error an operation can answer, each with its JSON body, derived
from the view itself: its methods and path (405, 404), content negotiation
(406), its request body (400, 413, 415), its authentication (401, and 503 for
an authentication that can be unavailable), its permissions (403), its
throttles (429 and 503, with ``Retry-After``) and the database (503, unless
the view says ``uses_database = False``). An operation's own
``extend_schema`` wins for a status it documents.

drf-spectacular describes simplejwt's exact classes only, and none of their
errors. The extensions below also describe subclasses (this project's refresh
serializer is one), document the answers of every token endpoint, and
describe every accepted ``Authorization`` header type.
``ApiConfig.ready`` imports this module, which registers them.
"""

from typing import TYPE_CHECKING, Any

from drf_spectacular import openapi
from drf_spectacular.contrib.rest_framework_simplejwt import (
    TokenObtainPairSerializerExtension,
    TokenRefreshSerializerExtension,
)
from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiViewExtension,
)
from drf_spectacular.plumbing import build_bearer_security_scheme_object
{%- if cookiecutter.mfa == "totp" %}
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
)
{%- else %}
from drf_spectacular.utils import OpenApiResponse, extend_schema
{%- endif %}
from rest_framework import permissions
{%- if cookiecutter.mfa == "totp" %}
from rest_framework.serializers import Serializer
{%- endif %}
from rest_framework_simplejwt import views as simplejwt_views
from rest_framework_simplejwt.settings import api_settings

if TYPE_CHECKING:
    from rest_framework_simplejwt.views import TokenViewBase

{%- if cookiecutter.mfa == "totp" %}

from {{ cookiecutter.project_slug }}.mfa.serializers import MFAChallengeSerializer
{%- endif %}

from .serializers import ErrorSerializer

UNAUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description="The access token is missing, invalid or expired."
)
TOKEN_REFUSED = OpenApiResponse(
    ErrorSerializer, description="The credentials or the token were refused."
)
{%- if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" %}
EMAIL_NOT_VERIFIED = OpenApiResponse(
    ErrorSerializer,
    description="The password is right, but the email address is not confirmed "
    "yet: code email_not_verified.",
)
{%- endif %}
# DRF answers 400 with each invalid field and its messages, or with "detail"
# when the body could not be parsed at all.
INVALID_BODY_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            {"type": "string"},
        ],
    },
}
INVALID_BODY = OpenApiResponse(
    INVALID_BODY_SCHEMA,
    description="The request body is invalid or could not be parsed.",
)
NOTHING = OpenApiResponse(
    {"type": "object", "properties": {}, "additionalProperties": False},
    description="Done: an empty JSON object.",
)
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer"},
        "required": True,
        "description": "Seconds to wait before trying again.",
    }
}
# The token views whose success is an empty object: verify, logout.
ANSWERING_NOTHING = (
    simplejwt_views.TokenVerifyView,
    simplejwt_views.TokenBlacklistView,
)
# Permissions that refuse nobody with 403: everyone, or anonymous users (401).
NEVER_FORBIDDING = (permissions.AllowAny, permissions.IsAuthenticated)


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's ``AutoSchema``, documenting every error an operation answers.

    Each error is a JSON object (``Error``; a refused body: its fields and
    their messages), never an HTML page: see ``api/errors.py`` for the
    answers Django itself gives under ``/api/``.
    """

    def get_operation(self, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for status, (description, headers) in self.error_answers(operation).items():
            if status not in responses:
                responses[status] = self.error_response(status, description, headers)
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def error_answers(
        self, operation: dict[str, Any]
    ) -> dict[str, tuple[str, dict[str, Any]]]:
        """Return ``{status: (description, headers)}`` of the errors ``operation`` answers."""
        answers: dict[str, tuple[str, dict[str, Any]]] = {
            "405": ("This path does not answer this method (see Allow).", {}),
            "406": ("The Accept header asks for something other than JSON.", {}),
        }
        if "{" in self.path:
            answers["404"] = ("Nothing is found at this path.", {})
        if "requestBody" in operation:
            answers["400"] = ("The request body is invalid or is not JSON.", {})
            answers["413"] = ("The request body is larger than accepted.", {})
            answers["415"] = ("The request body is not JSON (Content-Type).", {})
        authenticators = self.view.get_authenticators()
        if authenticators:
            answers["401"] = ("The access token is missing, invalid or expired.", {})
        outages = []
        if any(getattr(each, "can_be_unavailable", False) for each in authenticators):
            outages.append("tokens cannot be checked")
        if any(
            not isinstance(each, NEVER_FORBIDDING)
            for each in self.view.get_permissions()
        ):
            answers["403"] = ("This request is not allowed.", {})
        if self.view.get_throttles():
            answers["429"] = ("Too many requests: wait for Retry-After.", RETRY_AFTER)
            outages.append("requests cannot be counted")
        # api/exceptions.py: any query may find the database gone.
        if getattr(self.view, "uses_database", True):
            outages.append("the database cannot be reached")
        if outages:
            reasons = " or ".join(outages)
            answers["503"] = (f"For a moment, {reasons}.", RETRY_AFTER)
        return answers

    def error_response(
        self, status: str, description: str, headers: dict[str, Any]
    ) -> dict[str, Any]:
        """Return the OpenAPI response of the error ``status``: a JSON body."""
        if status == "400":
            schema = INVALID_BODY_SCHEMA
        else:
            component = self.resolve_serializer(ErrorSerializer(), "response")
            schema = component.ref
        response: dict[str, Any] = {
            "description": description,
            "content": {"application/json": {"schema": schema}},
        }
        if headers:
            response["headers"] = headers
        return response


class JWTAuthenticationScheme(OpenApiAuthenticationExtension):
    """The ``jwtAuth`` security scheme, for every configured header type.

    OpenAPI 3.0 has one prefix per scheme: Swagger UI sends the first header
    type; the description names the others the service also accepts.
    """

    target_class = "rest_framework_simplejwt.authentication.JWTAuthentication"
    match_subclasses = True
    priority = 1
    name = "jwtAuth"

    def get_security_definition(
        self, auto_schema: openapi.AutoSchema
    ) -> dict[str, Any]:
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


{%- if cookiecutter.mfa == "totp" %}


def tokens_or_mfa_challenge(
    tokens: type[Serializer] | Serializer, component_name: str
) -> PolymorphicProxySerializer:
    """Return the answer of a right password: ``tokens``, or an mfa_token.

    A user with a second factor (and staff who must enrol one) gets an
    ``MFAChallenge`` instead of tokens (``mfa/login.py``); the two share no
    field to tell them apart by, so the schema is a plain oneOf.
    """
    return PolymorphicProxySerializer(
        component_name=component_name,
        serializers=[tokens, MFAChallengeSerializer],
        resource_type_field_name=None,
    )
{%- endif %}


class TokenViewSchema(OpenApiViewExtension):
    """Document what each token endpoint answers: its body, and why it refuses.

    Obtain and refresh answer tokens; verify and logout an empty object.
{%- if cookiecutter.mfa == "totp" %}
    Obtain answers an mfa_token instead when the login needs a second factor.
{%- endif %}
{%- if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" %}
    Obtain refuses (403) the user whose email address is not confirmed.
{%- endif %}
    """

    target_class = "rest_framework_simplejwt.views.TokenViewBase"
    match_subclasses = True

    def view_replacement(self) -> type["TokenViewBase"]:
        target: type[TokenViewBase] = self.target
        documented = type("DocumentedTokenView", (target,), {"__module__": __name__})
        answers_nothing = issubclass(target, ANSWERING_NOTHING)
{%- if cookiecutter.mfa == "totp" or (cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory") %}
        responses: dict[int, Any] = {
            200: NOTHING if answers_nothing else target().get_serializer_class(),
            400: INVALID_BODY,
            401: TOKEN_REFUSED,
        }
        if issubclass(target, simplejwt_views.TokenObtainPairView):
{%- if cookiecutter.mfa == "totp" %}
            responses[200] = tokens_or_mfa_challenge(
                responses[200], "TokenObtainPairOrMFAChallenge"
            )
{%- endif %}
{%- if cookiecutter.account_signup == "open" and cookiecutter.email_verification == "mandatory" %}
            responses[403] = EMAIL_NOT_VERIFIED
{%- endif %}
        return extend_schema(responses=responses)(documented)
{%- else %}
        return extend_schema(
            responses={
                200: NOTHING if answers_nothing else target().get_serializer_class(),
                400: INVALID_BODY,
                401: TOKEN_REFUSED,
            }
        )(documented)
{%- endif %}
