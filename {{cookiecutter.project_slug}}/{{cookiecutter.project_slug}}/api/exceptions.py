"""DRF's error responses, plus one log line for each refused credential.

The line says which request was refused, from which client and why (a fixed
code such as ``token_not_valid``), and never holds the token, the password or
the response body. It works whichever authentication class is configured,
because every refusal reaches DRF's exception handler.

A refused token gets ``error="invalid_token"`` in its ``WWW-Authenticate``
challenge (RFC 6750, section 3.1); a request without a token gets the bare
challenge, as section 3.1 asks.

Django's refusals of a request body it will not read (larger than
``DATA_UPLOAD_MAX_MEMORY_SIZE``, more fields than
``DATA_UPLOAD_MAX_NUMBER_FIELDS``) get a JSON answer here too, instead of
Django's HTML error page.

A database that cannot be reached (refused, timed out, locked, gone away)
is a 503 with ``Retry-After``, not a 500: the request was fine, and a client
may try again. Other database errors (an integrity error is a defect) stay
500s.
"""

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from {{ cookiecutter.project_slug }}.jwt_auth.authentication import refuses_a_token
from {{ cookiecutter.project_slug }}.throttling.throttles import client_address

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait when the database could not be reached.
DATABASE_RETRY_AFTER = 5


class RequestTooLarge(exceptions.APIException):
    """A request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``: 413 (RFC 9110, 15.5.14)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is larger than this service accepts."
    default_code = "request_too_large"


class DatabaseUnavailable(exceptions.APIException):
    """The database could not be reached: 503, try again later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service cannot reach its database; try again later."
    default_code = "database_unavailable"

    def __init__(self) -> None:
        super().__init__({"detail": self.default_detail, "code": self.default_code})
        # DRF's exception handler turns ``wait`` into the Retry-After header.
        self.wait = DATABASE_RETRY_AFTER


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Return DRF's response for ``exc``; log refused credentials and throttling."""
    if isinstance(exc, SuspiciousOperation):
        # Raised by Django while DRF reads the body. Django would log it to
        # the same logger and answer with its HTML error page; we answer JSON.
        name = type(exc).__name__
        logging.getLogger(f"django.security.{name}").warning("%s", exc)
        too_large = isinstance(exc, RequestDataTooBig)
        exc = RequestTooLarge() if too_large else exceptions.ParseError()
    elif isinstance(exc, OperationalError | InterfaceError):
        logger.error(
            "The database could not be reached: %s: %s", type(exc).__name__, exc
        )
        exc = DatabaseUnavailable()
    response = drf_exception_handler(exc, context)
    if (
        response is not None
        and response.has_header("WWW-Authenticate")
        and refuses_a_token(exc)
    ):
        response["WWW-Authenticate"] += ', error="invalid_token"'
    request = context.get("request")
    if request is None:
        return response
    if isinstance(exc, exceptions.AuthenticationFailed):
        logger.warning(
            "Refused credentials: %s %s from %s (%s)",
            request.method,
            request.path,
            client_address(request),
            refusal_code(exc),
        )
    elif isinstance(exc, exceptions.Throttled):
        logger.warning(
            "Throttled: %s %s from %s, retry after %s s",
            request.method,
            request.path,
            client_address(request),
            exc.wait,  # type: ignore[attr-defined]  # DRF sets it; its stubs omit it.
        )
    return response


def refusal_code(exc: exceptions.AuthenticationFailed) -> str:
    """Return the fixed code of an authentication failure, e.g. ``token_not_valid``."""
    codes = exc.get_codes()
    if isinstance(codes, dict):
        # Keyed by str, or by int in DRF's stubs' view of a detail dict.
        code = next((value for key, value in codes.items() if key == "code"), None)
    else:
        code = codes
    return code if isinstance(code, str) else str(exc.default_code)
