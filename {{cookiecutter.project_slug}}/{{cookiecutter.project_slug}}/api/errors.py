"""JSON answers for the errors Django answers itself, under the API's paths.

DRF's views answer their errors in JSON (``api/exceptions.py``). A request
that never reaches one gets Django's own answer, an HTML page: a URL that
matches no pattern (404), a request Django's checks refuse (400, a CSRF
failure: 403), a crash (500), a method a plain Django view does not answer
(405). Under ``/api/`` and ``/.well-known/`` clients parse JSON, so there
these views answer DRF's shape, ``{"detail": "..."}``, the ``Error`` of the
OpenAPI schema; elsewhere (the admin) Django's pages stay. ``config/urls.py``
names them as Django's error handlers, ``CSRF_FAILURE_VIEW`` the CSRF one.

A database that cannot be reached is no defect: wherever it is found (the
admin, a session saved by its middleware), the answer is DRF views' 503
with ``Retry-After`` (``api/exceptions.py``), not a 500.
"""

import sys
from collections.abc import Callable
from functools import wraps

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import csrf, defaults

from .exceptions import DatabaseUnavailable

# Where every answer is JSON (the Swagger UI page of /api/docs/ aside).
JSON_PATHS = ("/api/", "/.well-known/")
SAFE_METHODS = ("GET", "HEAD")


def serves_json(request: HttpRequest) -> bool:
    """Return True when ``request`` is for a path whose answers are JSON."""
    return request.path_info.startswith(JSON_PATHS)


def error(detail: str, status: int) -> JsonResponse:
    """Return the JSON error ``{"detail": detail}`` with ``status``."""
    return JsonResponse({"detail": detail}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """400: Django refused the request (e.g. a Host not in ALLOWED_HOSTS)."""
    if not serves_json(request):
        return defaults.bad_request(request, exception)
    return error("Bad request.", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403: a plain Django view raised PermissionDenied."""
    if not serves_json(request):
        return defaults.permission_denied(request, exception)
    return error("You do not have permission to perform this action.", 403)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: no URL pattern matches (e.g. ``/api/sessions/<not a UUID>/``)."""
    if not serves_json(request):
        return defaults.page_not_found(request, exception)
    return error("Not found.", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a defect; the traceback goes to the log, never to the client.

    Django calls it while it handles the exception, so the exception is at
    hand: an unreachable database gets 503 instead, on every path.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        unavailable = DatabaseUnavailable()
        response = JsonResponse(unavailable.detail, status=unavailable.status_code)
        response["Retry-After"] = str(unavailable.wait)
        return response
    if not serves_json(request):
        return defaults.server_error(request)
    return error("A server error occurred.", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403: Django's CSRF check refused the request (``CSRF_FAILURE_VIEW``)."""
    if not serves_json(request):
        return csrf.csrf_failure(request, reason)
    return error(f"CSRF Failed: {reason}", 403)


def require_safe(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Django's ``require_safe`` answering JSON: other methods get 405 with ``Allow``.

    The view is exempt from CSRF checks too: it changes nothing, so a POST
    to it is refused as a method it does not answer (405), not as a forgery.
    """

    @wraps(view)
    def safe_only(
        request: HttpRequest, *args: object, **kwargs: object
    ) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            response = error(f'Method "{request.method}" not allowed.', 405)
            response["Allow"] = ", ".join(SAFE_METHODS)
            return response
        return view(request, *args, **kwargs)

    safe_only.csrf_exempt = True  # type: ignore[attr-defined]
    return safe_only
