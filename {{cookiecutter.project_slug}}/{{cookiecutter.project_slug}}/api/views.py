from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from {{ cookiecutter.project_slug }}.users.models import User

from .schema import UNAUTHENTICATED
from .serializers import HealthSerializer, MessageSerializer, UserSerializer

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
    """Return the user the access token belongs to."""

    permission_classes = (IsAuthenticated,)
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

    @extend_schema(responses=HealthSerializer)
    def get(self, request: Request) -> Response:
        return Response({"status": "ok"})
