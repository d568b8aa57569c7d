"""Errors Django answers itself are JSON under /api/ and /.well-known/, HTML elsewhere."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from {{ cookiecutter.project_slug }}.api import errors

from config import urls as project_urls


def crash(request: HttpRequest) -> HttpResponse:
    message = "a defect"
    raise RuntimeError(message)


def forbid(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def refuse(request: HttpRequest) -> HttpResponse:
    message = "a request Django refuses"
    raise SuspiciousOperation(message)


def accept(request: HttpRequest) -> HttpResponse:
    return HttpResponse("done")


# The URL configuration of these tests: views under /api/ and outside it,
# with the project's own error handlers.
urlpatterns = [
    path(f"{prefix}{name}/", view)
    for prefix in ("api/", "other/")
    for name, view in (
        ("crash", crash),
        ("forbid", forbid),
        ("refuse", refuse),
        ("accept", accept),
    )
]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def test_the_project_answers_django_errors_with_these_views() -> None:
    assert (handler400, handler403, handler404, handler500) == (
        f"{errors.__name__}.bad_request",
        f"{errors.__name__}.permission_denied",
        f"{errors.__name__}.not_found",
        f"{errors.__name__}.server_error",
    )


def test_an_unknown_api_url_answers_json_404(client: Client) -> None:
    response = client.delete("/api/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_well_known_url_answers_json_404(client: Client) -> None:
    response = client.get("/.well-known/no-such-document")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("name", "status"), [("crash", 500), ("forbid", 403), ("refuse", 400)]
)
def test_django_errors_under_api_are_json(name: str, status: int) -> None:
    client = Client(raise_request_exception=False)

    response = client.get(f"/api/{name}/")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("name", "status"), [("crash", 500), ("forbid", 403), ("refuse", 400)]
)
def test_django_errors_elsewhere_keep_django_pages(name: str, status: int) -> None:
    client = Client(raise_request_exception=False)

    response = client.get(f"/other/{name}/")

    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.urls(__name__)
def test_a_csrf_failure_under_api_is_json() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/api/accept/")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("CSRF Failed: ")


@pytest.mark.urls(__name__)
def test_a_csrf_failure_elsewhere_keeps_djangos_page() -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/other/accept/")

    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_require_safe_answers_other_methods_with_json_405() -> None:
    view = errors.require_safe(accept)
    request = HttpRequest()
    request.method = "POST"

    response = view(request)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"] == "application/json"
