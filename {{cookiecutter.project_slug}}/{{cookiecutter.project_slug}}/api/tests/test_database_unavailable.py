"""A database that cannot be reached is a 503 with Retry-After, never a 500."""

from contextlib import AbstractContextManager
from unittest import mock

import pytest
from django.contrib import admin
from django.db import IntegrityError, InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIClient
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.users.models import User

from ..exceptions import DATABASE_RETRY_AFTER


class CountUsers(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request: Request) -> Response:
        return Response({"users": User.objects.count()})


def count_users_page(request: HttpRequest) -> HttpResponse:
    """A plain Django view, as the admin's are."""
    return HttpResponse(f"{User.objects.count()} users")


urlpatterns = [
    path("api/count-users/", CountUsers.as_view()),
    path("pages/count-users/", count_users_page),
    path("admin/", admin.site.urls),
]
handler500 = "{{ cookiecutter.project_slug }}.api.errors.server_error"


def failing_queries(error: Exception) -> AbstractContextManager[object]:
    """Make every query of the test raise ``error``, as a database that went away does."""
    return mock.patch.object(CursorWrapper, "execute", side_effect=error)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server failed: Connection refused"),
        OperationalError("database is locked"),
        InterfaceError("connection already closed"),
    ],
)
def test_an_unreachable_database_is_a_503_with_retry_after(error: Exception) -> None:
    client = APIClient()
    with failing_queries(error):
        response = client.get("/api/count-users/")
    assert response.status_code == 503
    assert response.json() == {
        "detail": "The service cannot reach its database; try again later.",
        "code": "database_unavailable",
    }
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_other_database_errors_are_not_taken_for_an_outage() -> None:
    client = APIClient(raise_request_exception=False)
    with failing_queries(IntegrityError("a defect")):
        response = client.get("/api/count-users/")
    assert response.status_code == 500


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        ("/pages/count-users/", False),
        # The admin reads the session and its user from the database that went away.
        ("/admin/", True),
    ],
)
def test_outside_drf_an_unreachable_database_is_a_503_too(
    url: str, signed_in: bool
) -> None:
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(User.objects.create_user("staff", is_staff=True))
    with failing_queries(OperationalError("connection to server failed")):
        response = client.get(url)
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert response["Retry-After"] == str(DATABASE_RETRY_AFTER)


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_outside_drf_other_errors_are_still_500s() -> None:
    client = Client(raise_request_exception=False)
    with failing_queries(IntegrityError("a defect")):
        response = client.get("/pages/count-users/")
    assert response.status_code == 500
