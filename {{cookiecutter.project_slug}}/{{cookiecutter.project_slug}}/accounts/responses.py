"""Answers shared by the account views, and their OpenAPI descriptions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import status
from rest_framework.exceptions import APIException

from {{ cookiecutter.project_slug }}.api.schema import (
    INVALID_BODY,
    INVALID_BODY_SCHEMA,
)

from .serializers import DetailSerializer


class InvalidLink(APIException):
    """A link's token that is wrong, expired or used: one answer for all three."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = _("The link is invalid or has expired.")
    default_code = "invalid_token"

    def __init__(self) -> None:
        # "code" in the body, as simplejwt's refusals carry it.
        super().__init__({"detail": self.default_detail, "code": self.default_code})


ACCEPTED = OpenApiResponse(
    DetailSerializer,
    description="Accepted; an email follows if the address has an account. The "
    "answer is the same whether or not it has one.",
)
DONE = OpenApiResponse(DetailSerializer, description="Done.")
# The other errors (413, 415, 429, 503...) are added by api/schema.py's AutoSchema.
BAD_LINK_OR_BODY = OpenApiResponse(
    INVALID_BODY_SCHEMA,
    description="The body is invalid (each field with its messages), or the "
    'link\'s token is invalid, expired or used ({"detail": …, "code": '
    '"invalid_token"}).',
)

__all__ = ["ACCEPTED", "BAD_LINK_OR_BODY", "DONE", "INVALID_BODY", "InvalidLink"]
