from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.status import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.jwt_auth.permissions import IsUser
from {{ cookiecutter.project_slug }}.users.models import User

from .readiness import run_checks
from .schema import UNAUTHENTICATED
from .serializers import (
    HealthSerializer,
    MessageSerializer,
    ReadinessSerializer,
    UserSerializer,
)

GREETING = "Hello, {{ cookiecutter.project_name }}"


class HelloView(APIView):
    """Greet the authenticated user: the protected endpoint of the JWT flow."""

    permission_classes = (IsAuthenticated,)

    @extend_schema(
        tags=["hello"], responses={200: MessageSerializer, 401: UNAUTHENTICATED}
    )
    def get(self, request: Request) -> Response:
        return Response({"message": GREETING})


@extend_schema(responses={200: UserSerializer, 401: UNAUTHENTICATED})
class MeView(RetrieveAPIView):
    """Return the user the access token belongs to (a service client's token: 403)."""

    permission_classes = (IsUser,)
    serializer_class = UserSerializer

    def get_object(self) -> User:
        user = self.request.user
        if not user.is_authenticated:  # IsAuthenticated refused it already.
            raise NotAuthenticated
        return user


class HealthView(APIView):
    """Liveness probe: no authentication, no database."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Nothing to document about an unreachable database (api/schema.py).
    uses_database = False

    @extend_schema(responses=HealthSerializer)
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})


class ReadinessView(APIView):
    """Readiness probe: 200 when the database and the cache answer, else 503."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    # Throttling counts in the cache, which may be the dependency that is down.
    throttle_classes = ()

    @extend_schema(
        responses={
            200: ReadinessSerializer,
            503: OpenApiResponse(
                ReadinessSerializer,
                description="The database or the cache is unavailable.",
            ),
        }
    )
    def get(self, request: Request) -> Response:
        checks = run_checks()
        ready = all(check["status"] == "ok" for check in checks.values())
        return Response(
            {"status": "ok" if ready else "unavailable", "checks": checks},
            status=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
        )
