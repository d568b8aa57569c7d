"""Views protected by each token permission, as a project would write them (tests' URLs)."""

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.jwt_auth.permissions import (
    HasAnyRole,
    HasRole,
    HasScope,
)


class Protected(APIView):
    """Answers who got in: a user or a service client."""

    def get(self, request: Request) -> Response:
        return Response({"allowed": True})


URLS = "{{ cookiecutter.project_slug }}.jwt_auth.tests.protected_views"

urlpatterns = [
    path(
        "editors/",
        Protected.as_view(permission_classes=(HasRole("editor"),)),
        name="editors",
    ),
    path(
        "editors-and-auditors/",
        Protected.as_view(permission_classes=(HasRole("editor", "auditor"),)),
        name="editors-and-auditors",
    ),
    path(
        "staff/",
        Protected.as_view(permission_classes=(HasAnyRole("editor", "admin"),)),
        name="staff",
    ),
    path(
        "orders/",
        Protected.as_view(permission_classes=(HasScope("orders:read"),)),
        name="orders",
    ),
    path(
        "orders/write/",
        Protected.as_view(
            permission_classes=(HasScope("orders:read", "orders:write"),)
        ),
        name="orders-write",
    ),
]
