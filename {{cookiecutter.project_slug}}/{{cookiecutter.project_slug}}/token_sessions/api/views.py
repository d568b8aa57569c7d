"""The caller's sessions: list them, end one, end them all."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import Token

from {{ cookiecutter.project_slug }}.api.schema import UNAUTHENTICATED
from {{ cookiecutter.project_slug }}.api.serializers import ErrorSerializer
from {{ cookiecutter.project_slug }}.jwt_auth.permissions import IsUser
from {{ cookiecutter.project_slug }}.users.models import User

from ..lifecycle import end_sessions
from ..models import SESSION_CLAIM, Session
from .serializers import SessionSerializer


def user_of(request: Request) -> User:
    """Return the user making ``request``; the views refuse anonymous ones first."""
    user = request.user
    if not user.is_authenticated:
        raise NotAuthenticated
    return user


def live_sessions_of(request: Request) -> QuerySet[Session]:
    """Return the live sessions of the user making ``request``, newest first."""
    return Session.objects.filter(
        user=user_of(request), ended_at=None, expires_at__gt=timezone.now()
    ).order_by("-created_at")


@extend_schema(
    tags=["sessions"],
    responses={200: SessionSerializer(many=True), 401: UNAUTHENTICATED},
)
class SessionListView(ListAPIView):
    """List the caller's live sessions; ``current`` marks the one of this token."""

    permission_classes = (IsUser,)
    serializer_class = SessionSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Session]:
        return live_sessions_of(self.request)

    def get_serializer_context(self) -> dict[str, object]:
        token = self.request.auth
        return {
            **super().get_serializer_context(),
            "current_session": token.get(SESSION_CLAIM)
            if isinstance(token, Token)
            else None,
        }


class SessionDetailView(APIView):
    """End one of the caller's sessions: its tokens are refused from then on."""

    permission_classes = (IsUser,)

    @extend_schema(
        tags=["sessions"],
        responses={
            204: None,
            401: UNAUTHENTICATED,
            404: OpenApiResponse(
                ErrorSerializer, description="No live session of yours has this id."
            ),
        },
    )
    def delete(self, request: Request, session_id: str) -> Response:
        session = get_object_or_404(live_sessions_of(request), pk=session_id)
        end_sessions(
            Session.objects.filter(pk=session.pk), reason="ended", request=request
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """End every session of the caller, this one included."""

    permission_classes = (IsUser,)

    @extend_schema(
        tags=["sessions"],
        request=None,
        responses={
            200: inline_serializer(
                "LoggedOutEverywhere", {"ended": serializers.IntegerField()}
            ),
            401: UNAUTHENTICATED,
        },
    )
    def post(self, request: Request) -> Response:
        ended = end_sessions(
            Session.objects.filter(user=user_of(request)),
            reason="logout-all",
            request=request,
        )
        return Response({"ended": ended})
